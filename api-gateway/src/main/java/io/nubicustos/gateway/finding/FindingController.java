package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Paging;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A scan's normalized findings, most severe first. */
@RestController
class FindingController {

    private static final String FILTER = """
             from findings where scan_id = :scanId
              and (cast(:severity as text) is null or severity = :severity)
              and (cast(:tool as text) is null or tool = :tool)
              and (cast(:status as text) is null or status = :status)
            """;
    private static final String PAGE = """
            select tool, check_id, title, severity, status, account, region, service, resource_id, description,
                   remediation, compliance::text as compliance, observed_at, fingerprint, occurrences
            """ + FILTER + """
             order by case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end,
                      tool, check_id, id
             limit :limit offset :offset
            """;

    private final JdbcClient jdbc;
    private final ScanQueries scans;

    FindingController(JdbcClient jdbc, ScanQueries scans) {
        this.jdbc = jdbc;
        this.scans = scans;
    }

    @GetMapping("/api/scans/{id}/findings")
    Map<String, Object> findings(@PathVariable("id") UUID id,
                                 @RequestParam(required = false) String severity,
                                 @RequestParam(required = false) String tool,
                                 @RequestParam(defaultValue = "fail") String status,
                                 @RequestParam(defaultValue = "0") int page,
                                 @RequestParam(defaultValue = "100") int size) {
        scans.scan(id);
        String severityValue = severity == null ? null : Severity.parse(severity).map(Severity::db).orElseThrow(() ->
                ApiException.badRequest("severity", "unknown severity '" + severity + "'; use critical, high, medium, low or info"));
        String statusValue = "all".equals(status) ? null : Arrays.stream(FindingStatus.values()).map(FindingStatus::db)
                .filter(status::equals).findFirst().orElseThrow(() ->
                        ApiException.badRequest("status", "unknown status '" + status + "'; use fail, manual, suppressed or all"));
        Paging paging = Paging.of(page, size);
        List<Map<String, Object>> rows = jdbc.sql(PAGE)
                .param("scanId", id).param("severity", severityValue).param("tool", tool).param("status", statusValue)
                .param("limit", paging.size()).param("offset", paging.offset())
                .query((rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (String column : List.of("tool", "check_id", "title", "severity", "status", "account", "region",
                            "service", "resource_id", "description", "remediation")) {
                        row.put(column, rs.getString(column));
                    }
                    row.put("compliance", new RawJson(rs.getString("compliance")));
                    row.put("observed_at", rs.getObject("observed_at", java.time.OffsetDateTime.class));
                    row.put("fingerprint", rs.getString("fingerprint"));
                    row.put("occurrences", rs.getInt("occurrences"));
                    return row;
                }).list();
        long total = jdbc.sql("select count(*)" + FILTER)
                .param("scanId", id).param("severity", severityValue).param("tool", tool).param("status", statusValue)
                .query(Long.class).single();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scan_id", id);
        body.put("total", total);
        body.put("page", paging.page());
        body.put("size", paging.size());
        body.put("findings", rows);
        return body;
    }

    /** Compliance mappings are stored as JSON and answered as JSON, not as a string. */
    record RawJson(@com.fasterxml.jackson.annotation.JsonRawValue @com.fasterxml.jackson.annotation.JsonValue String json) {
    }
}
