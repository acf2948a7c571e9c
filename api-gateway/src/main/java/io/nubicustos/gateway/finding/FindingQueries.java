package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.web.Paging;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** Read models of findings. */
@Repository
class FindingQueries {

    static final String SEVERITY_RANK =
            "case f.severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end";
    private static final String FILTER = """
             from findings f where f.scan_id = :scanId
              and (cast(:severity as text) is null or f.severity = :severity)
              and (cast(:tool as text) is null or f.tool = :tool)
              and (cast(:status as text) is null or f.status = :status)
              and (cast(:account as text) is null or f.account = :account)
              and (cast(:region as text) is null or f.region = :region)
              and (cast(:check as text) is null or f.check_id = :check)
              and (cast(:resource as text) is null or f.resource_id = :resource)
            """;
    static final String COLUMNS = """
            f.tool, f.check_id, f.title, f.severity, f.status, f.account, f.region, f.service, f.resource_id, f.description,
            f.remediation, f.compliance::text as compliance, f.observed_at, f.fingerprint, f.occurrences
            """;
    private static final String PAGE = "select " + COLUMNS + """
            , (select min(s.created_at) from findings h join scans s on s.id = h.scan_id where h.fingerprint = f.fingerprint) as first_seen,
              (select max(s.created_at) from findings h join scans s on s.id = h.scan_id where h.fingerprint = f.fingerprint) as last_seen
            """ + FILTER + " order by " + SEVERITY_RANK + ", f.tool, f.check_id, f.id limit :limit offset :offset";
    private static final String HISTORY = """
            select s.id as scan_id, s.created_at as scan_created_at, s.profile, s.aws_profile, s.status as scan_status,
                   f.status, f.severity, f.tool, f.check_id, f.resource_id, f.observed_at
              from findings f join scans s on s.id = f.scan_id
             where f.fingerprint = :fingerprint order by s.created_at desc limit 500
            """;

    private final JdbcClient jdbc;

    FindingQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long count(UUID scanId, FindingFilter filter) {
        return bind(jdbc.sql("select count(*)" + FILTER), scanId, filter).query(Long.class).single();
    }

    List<Map<String, Object>> page(UUID scanId, FindingFilter filter, Paging paging) {
        return bind(jdbc.sql(PAGE), scanId, filter).param("limit", paging.size()).param("offset", paging.offset())
                .query((rs, n) -> {
                    Map<String, Object> row = row(rs);
                    row.put("first_seen", rs.getObject("first_seen", OffsetDateTime.class));
                    row.put("last_seen", rs.getObject("last_seen", OffsetDateTime.class));
                    return row;
                }).list();
    }

    List<Map<String, Object>> history(String fingerprint) {
        return jdbc.sql(HISTORY).param("fingerprint", fingerprint).query((rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("scan_id", rs.getObject("scan_id", UUID.class));
            row.put("scan_created_at", rs.getObject("scan_created_at", OffsetDateTime.class));
            for (String column : List.of("profile", "aws_profile", "scan_status", "status", "severity", "tool", "check_id", "resource_id")) {
                row.put(column, rs.getString(column));
            }
            row.put("observed_at", rs.getObject("observed_at", OffsetDateTime.class));
            return row;
        }).list();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, UUID scanId, FindingFilter filter) {
        return spec.param("scanId", scanId).param("severity", filter.severity()).param("tool", filter.tool())
                .param("status", filter.status()).param("account", filter.account()).param("region", filter.region())
                .param("check", filter.check()).param("resource", filter.resource());
    }

    /** One finding as the API shows it; compliance stays JSON. */
    static Map<String, Object> row(ResultSet rs) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : List.of("tool", "check_id", "title", "severity", "status", "account", "region", "service",
                "resource_id", "description", "remediation")) {
            row.put(column, rs.getString(column));
        }
        row.put("compliance", new RawJson(rs.getString("compliance")));
        row.put("observed_at", rs.getObject("observed_at", OffsetDateTime.class));
        row.put("fingerprint", rs.getString("fingerprint"));
        row.put("occurrences", rs.getInt("occurrences"));
        return row;
    }

    /** Compliance mappings are stored as JSON and answered as JSON, not as a string. */
    record RawJson(@JsonRawValue @JsonValue String json) {
    }
}
