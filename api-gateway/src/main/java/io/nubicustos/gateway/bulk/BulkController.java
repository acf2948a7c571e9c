package io.nubicustos.gateway.bulk;

import java.util.LinkedHashSet;
import io.nubicustos.gateway.web.validation.PlainText;
import jakarta.validation.constraints.Size;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.Valid;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import org.jspecify.annotations.Nullable;
import io.nubicustos.gateway.bulk.BulkResponses.ArchiveCreated;
import io.nubicustos.gateway.bulk.BulkResponses.Archives;
import io.nubicustos.gateway.bulk.BulkResponses.Deleted;
import io.nubicustos.gateway.web.Problem;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;
import io.nubicustos.gateway.scan.ScanCanceller;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.files.SafeTree;
import io.nubicustos.model.reports.ReportLayout;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/** The specification's bulk operations: delete many scans, archive many scans, manage the archives. */
@RestController
class BulkController {

    private static final String EXISTING = "select id from scans where id in (:ids)";
    private static final String DELETE = "delete from scans where id in (:ids)";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final JdbcClient jdbc;
    private final ScanCanceller canceller;
    private final ArchiveStore archives;
    private final ScanArchiver archiver;
    private final ReportLayout reports;
    private final Clock clock;

    BulkController(JdbcClient jdbc, ScanCanceller canceller, ArchiveStore archives, ScanArchiver archiver,
                   GatewayProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.canceller = canceller;
        this.archives = archives;
        this.archiver = archiver;
        this.reports = properties.reports().layout();
        this.clock = clock;
    }

    /** Deletes scans with their steps, findings and report files; a running scan is cancelled first. */
    @Requires(Role.ADMIN)
    @DeleteMapping(path = "/api/scans/bulk", consumes = "application/json")
    Deleted delete(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = ScanIdsBody.class))) @Valid @RequestBody ScanIdsBody body) {
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(body.scanIds()));
        List<UUID> existing = jdbc.sql(EXISTING).param("ids", ids).query(UUID.class).list();
        for (UUID id : existing) {
            try {
                canceller.cancel(id);
            } catch (ApiException finished) {
                // why: a completed or failed scan has nothing to cancel; it is deleted all the same
            }
        }
        if (!existing.isEmpty()) {
            jdbc.sql(DELETE).param("ids", existing).update();
        }
        existing.forEach(this::deleteReports);
        Deleted result = new Deleted(existing, ids.stream().filter(id -> !existing.contains(id)).toList());
        AuditTrail.detail(Map.of("deleted", result.deleted(), "not_found", result.notFound()));
        return result;
    }

    @Requires(Role.ADMIN)
    @PostMapping(path = "/api/scans/bulk/archive", consumes = "application/json")
    @ApiResponse(responseCode = "404", description = "a scan id names no scan; nothing is written",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @ResponseStatus(HttpStatus.CREATED)
    ArchiveCreated archive(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = ArchiveBody.class))) @Valid @RequestBody ArchiveBody body) {
        List<UUID> ids = List.copyOf(new LinkedHashSet<>(body.scanIds()));
        String name = body.name() != null ? body.name() : "scans-" + STAMP.format(clock.instant()) + ".zip";
        Path target = archives.resolve(name);
        List<UUID> existing = jdbc.sql(EXISTING).param("ids", ids).query(UUID.class).list();
        List<UUID> missing = ids.stream().filter(id -> !existing.contains(id)).toList();
        if (!missing.isEmpty()) {
            throw ApiException.notFound("scan_not_found", "no scan with id " + missing.get(0) + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : ""));
        }
        AuditTrail.detail(Map.of("archived", ids, "name", name));
        archiver.write(ids, target, archives.directory());
        return new ArchiveCreated(name, ids.size(), size(target), "/api/scans/archives/" + name);
    }

    @Requires(Role.ADMIN)
    @GetMapping("/api/scans/archives")
    Archives list() {
        return new Archives(archives.list());
    }

    @Requires(Role.ADMIN)
    @GetMapping("/api/scans/archives/{name}")
    @ApiResponse(responseCode = "200", description = "the archive", content = @Content(mediaType = "application/zip",
            schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<Resource> download(@PathVariable("name") String name) {
        Path file = archives.existing(name);
        AuditTrail.detail(Map.of("downloaded_archive", name));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file.getFileName() + "\"")
                .contentType(MediaType.parseMediaType("application/zip"))
                .body(new FileSystemResource(file));
    }

    @Requires(Role.ADMIN)
    @DeleteMapping("/api/scans/archives/{name}")
    @ApiResponse(responseCode = "204", description = "deleted")
    ResponseEntity<Void> deleteArchive(@PathVariable("name") String name) {
        AuditTrail.detail(Map.of("deleted_archive", name));
        try {
            Files.delete(archives.existing(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Deletes a scan's report files. The tree is taken apart relative to directories already opened, never
     * following a link, so a container of a scan that was just cancelled (and may still write for a few
     * seconds) cannot turn the delete against anything outside its directory.
     */
    private void deleteReports(UUID scanId) {
        Path dir = reports.scanDirectory(scanId);
        if (!SafeTree.delete(dir)) {
            // why: the scan's rows are gone; leftover files are only disk space, logged for the operator
            LoggerFactory.getLogger(BulkController.class).warn("Could not delete every report file of scan {} under {}",
                    scanId, dir);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }


    /** The body of a bulk delete: at most 1000 scan ids (counted as sent; a repeated one is deleted once). */
    @Schema(name = "ScanIds")
    record ScanIdsBody(@Schema(requiredMode = Schema.RequiredMode.REQUIRED)
                       @NotEmpty(message = "must be a non-empty array of scan ids") @Size(max = MAX_IDS, message = "has at most 1000 scan ids per request")
                       List<@NotNull(message = "holds a null, not a scan id") UUID> scanIds) {
    }

    /** The body of a bulk archive. */
    @Schema(name = "ArchiveRequest")
    record ArchiveBody(@Schema(requiredMode = Schema.RequiredMode.REQUIRED)
                       @NotEmpty(message = "must be a non-empty array of scan ids") @Size(max = MAX_IDS, message = "has at most 1000 scan ids per request")
                       List<@NotNull(message = "holds a null, not a scan id") UUID> scanIds,
                       @Schema(description = "the archive's file name; scans-<time>.zip when absent", example = "q3-audit.zip")
                       @Size(max = 200) @PlainText @Nullable String name) {
    }

    static final int MAX_IDS = 1000;
}
