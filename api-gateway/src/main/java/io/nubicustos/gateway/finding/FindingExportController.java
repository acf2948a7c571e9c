package io.nubicustos.gateway.finding;

import tools.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/**
 * A scan's findings as CSV, JSON or SARIF 2.1.0, streamed: rows are read with a database cursor and
 * written as they come, so an export of a million findings needs no more memory than one of ten.
 */
@RestController
class FindingExportController {

    private static final String ROWS = "select " + FindingQueries.COLUMNS + FindingQueries.FROM_POSITIONAL
            + " where f.scan_id = ? "
            + "and (? or f.status = 'fail') order by f.tool, " + FindingQueries.SEVERITY_RANK + ", f.check_id, f.id";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ScanQueries scans;

    private final Clock clock;

    private final ObjectMapper mapper;

    private final io.nubicustos.gateway.control.Consensus consensus;

    FindingExportController(JdbcTemplate jdbc, TransactionTemplate tx, ScanQueries scans, Clock clock, ObjectMapper mapper,
                            io.nubicustos.gateway.control.Consensus consensus) {
        this.consensus = consensus;
        this.mapper = mapper;
        this.clock = clock;
        this.jdbc = jdbc;
        this.tx = tx;
        this.scans = scans;
    }

    // why: a tool that ran in several steps of a scan (never today) would show its latest version
    private static final String TOOL_VERSIONS = """
            select distinct on (tool) tool, tool_version from scan_steps
             where scan_id = ? and tool_version is not null order by tool, completed_at desc nulls last
            """;

    private Map<String, String> toolVersions(UUID scan) {
        Map<String, String> versions = new java.util.HashMap<>();
        jdbc.query(TOOL_VERSIONS, (RowCallbackHandler) rs -> versions.put(rs.getString("tool"), rs.getString("tool_version")), scan);
        return versions;
    }

    @GetMapping("/api/scans/{id}/findings/export")
    @ApiResponse(responseCode = "200", description = "the scan's findings as a download, streamed", content = {
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
            @Content(mediaType = "application/json", schema = @Schema(type = "object", description = "the scan and its findings")),
            @Content(mediaType = "application/sarif+json", schema = @Schema(type = "object", description = "SARIF 2.1.0"))})
    ResponseEntity<StreamingResponseBody> export(@PathVariable("id") UUID id,
                                                 @RequestParam(defaultValue = "json") String format,
                                                 @RequestParam(defaultValue = "fail") String status) {
        scans.requireExists(id);
        if (!status.equals("fail") && !status.equals("all")) {
            throw ApiException.badRequest("status", "export status must be fail or all");
        }
        boolean all = status.equals("all");
        FindingStreamWriter writer = switch (format) {
            case "csv" -> new CsvFindingWriter();
            case "json" -> new JsonFindingWriter(mapper, id, () -> consensus.confirmations(id));
            case "sarif" -> new SarifFindingWriter(id, toolVersions(id));
            default -> throw ApiException.badRequest("format", "unknown format '" + format + "'; use csv, json or sarif");
        };
        String file = "nubicustos-scan-" + id + "-findings." + writer.extension();
        AuditTrail.detail(Map.of("exported_scan", id, "format", format, "status", status));
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        StreamingResponseBody body = out -> tx.executeWithoutResult(s -> {
            JdbcTemplate cursor = new JdbcTemplate(jdbc.getDataSource());
            // why: with a fetch size inside a transaction, PostgreSQL streams rows through a cursor
            cursor.setFetchSize(500);
            writer.start(out);
            cursor.query(ROWS, (RowCallbackHandler) writer::row, now, id, all);
            writer.finish();
        });
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
                .contentType(MediaType.parseMediaType(writer.contentType()))
                .body(body);
    }
}
