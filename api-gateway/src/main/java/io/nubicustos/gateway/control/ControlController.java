package io.nubicustos.gateway.control;

import io.nubicustos.gateway.control.Compliance.Framework;
import io.nubicustos.gateway.control.Consensus.Agreement;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Paging;
import io.nubicustos.model.control.ControlFramework;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the tools of a scan agree on (consensus), and the scan's compliance per framework across its tools. */
@RestController
class ControlController {

    private static final List<String> MAPPED_TOOLS = List.of("prowler", "scoutsuite", "cloudsploit", "cloud-custodian");

    private final Consensus consensus;
    private final Compliance compliance;
    private final ControlMappings mappings;
    private final ScanQueries scans;
    private final JdbcClient jdbc;
    private final Clock clock;

    ControlController(Consensus consensus, Compliance compliance, ControlMappings mappings, ScanQueries scans, JdbcClient jdbc, Clock clock) {
        this.consensus = consensus;
        this.compliance = compliance;
        this.mappings = mappings;
        this.scans = scans;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    record ConsensusSummary(int controls, int confirmed, int disagreements, int singleTool) {
    }

    record ControlAgreement(String framework, String requirement, String title, String resource, boolean disagreement,
                            List<String> failedBy, List<String> passedBy, List<JsonNode> findings) {
    }

    record ConsensusPage(UUID scanId, ConsensusSummary summary, Map<String, Map<String, Long>> mapped, int page, int size,
                         List<ControlAgreement> controls) {
    }

    @GetMapping("/api/scans/{id}/consensus")
    ConsensusPage consensus(@PathVariable("id") UUID id, @RequestParam(defaultValue = "0") int page,
                            @RequestParam(defaultValue = "100") int size) {
        scans.requireExists(id);
        Paging paging = Paging.of(page, size);
        List<Agreement> all = consensus.controls(id);
        int confirmed = (int) all.stream().filter(a -> a.failedBy().size() >= 2).count();
        int disagreements = (int) all.stream().filter(Agreement::disagreement).count();
        int single = (int) all.stream().filter(a -> a.failedBy().size() == 1 && !a.disagreement()).count();
        Map<String, Map<String, Long>> mapped = new LinkedHashMap<>();
        for (ControlFramework f : mappings.frameworks()) {
            Map<String, Long> perTool = new LinkedHashMap<>();
            MAPPED_TOOLS.forEach(t -> perTool.put(t, f.checksMapped(t)));
            mapped.put(f.framework(), perTool);
        }
        List<ControlAgreement> shown = all.stream().skip(paging.offset()).limit(paging.size())
                .map(a -> new ControlAgreement(a.framework(), a.requirement(), a.title(), a.resource(), a.disagreement(), a.failedBy(),
                        a.passedBy(), a.findings().valueStream().toList())).toList();
        return new ConsensusPage(id, new ConsensusSummary(all.size(), confirmed, disagreements, single), mapped, paging.page(), paging.size(), shown);
    }

    record ComplianceView(UUID scanId, List<Framework> frameworks) {
    }

    @GetMapping("/api/scans/{id}/compliance")
    @ApiResponse(responseCode = "200", description = "per framework and requirement: pass, fail, manual or not covered, with the tools and findings behind each",
            content = {@Content(mediaType = "application/json", schema = @Schema(implementation = ComplianceView.class)),
                    @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
                    @Content(mediaType = "text/html", schema = @Schema(type = "string", description = "one self-contained page"))})
    ResponseEntity<?> compliance(@PathVariable("id") UUID id, @RequestParam(required = false) String framework,
                                 @RequestParam(defaultValue = "json") String format) {
        scans.requireExists(id);
        if (!List.of("json", "csv", "html").contains(format)) {
            throw ApiException.badRequest("format", "unknown format '" + format + "'; use json, csv or html");
        }
        if (framework != null && (framework.isBlank() || framework.length() > 200 || framework.indexOf('\0') >= 0)) {
            throw ApiException.badRequest("framework", "a framework is a name of up to 200 characters");
        }
        List<Framework> frameworks = compliance.of(id, framework);
        if (framework != null && frameworks.isEmpty()) {
            throw ApiException.notFound("framework_not_found", "no framework '" + framework + "' in scan " + id + "; known: "
                    + String.join(", ", mappings.frameworks().stream().map(ControlFramework::framework).toList()) + " and those the tools report");
        }
        String file = "nubicustos-scan-" + id + "-compliance";
        return switch (format) {
            case "csv" -> download(file + ".csv", "text/csv;charset=utf-8", ComplianceReport.csv(frameworks));
            case "html" -> {
                var scan = jdbc.sql("select profile, aws_profile, created_at from scans where id = :id").param("id", id)
                        .query((rs, n) -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class)}).single();
                yield download(file + ".html", "text/html;charset=utf-8", ComplianceReport.html(id, (String) scan[0], (String) scan[1],
                        (OffsetDateTime) scan[2], OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), frameworks));
            }
            default -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new ComplianceView(id, frameworks));
        };
    }

    private static ResponseEntity<byte[]> download(String file, String type, String body) {
        return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
                .contentType(MediaType.parseMediaType(type)).body(body.getBytes(StandardCharsets.UTF_8));
    }
}
