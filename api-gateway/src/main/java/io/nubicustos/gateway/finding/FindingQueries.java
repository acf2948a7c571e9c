package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.finding.FindingResponses.Sighting;
import io.nubicustos.gateway.triage.KeptTriage;
import io.nubicustos.gateway.triage.TriageMatch;
import io.nubicustos.gateway.web.Paging;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
    /** The findings with the newest active triage rule of each (columns {@code triage_*}, null when none). */
    static final String FROM = " from findings f left join lateral (" + TriageMatch.RULE_OF_FINDING + ") tr on true ";
    /** {@link #FROM} for positional statements (the streaming exports): the triage clock is their first parameter. */
    static final String FROM_POSITIONAL = FROM.replace(":triageNow", "?");
    /**
     * The filters over {@code findings f}, with {@code %s} where the triage test goes: the rules matched as the rows are
     * read, or the rows kept for a settled scan ({@link KeptTriage}). The triaged filter asks only when it is given (the
     * OR's first arm ends it otherwise), and pages look up each finding's rule for the page's rows alone: with 10,000
     * rules, matching every finding of a scan on every page read took seconds.
     */
    private static final String WHERE = " " + """
             where f.scan_id = :scanId
              and (cast(:severity as text) is null or f.severity = :severity)
              and (cast(:tool as text) is null or f.tool = :tool)
              and (cast(:status as text) is null or f.status = :status)
              and (cast(:account as text) is null or f.account = :account)
              and (cast(:region as text) is null or f.region = :region)
              and (cast(:check as text) is null or f.check_id = :check)
              and (cast(:resource as text) is null or f.resource_id = :resource)
              and (cast(:triaged as text) is null or (cast(:triaged as text) = 'only') = %s)
            """;
    static final String COLUMNS = """
            f.tool, f.check_id, f.title, f.severity, f.status, f.account, f.region, f.service, f.resource_id, f.description,
            f.remediation, f.compliance::text as compliance, f.observed_at, f.fingerprint, f.occurrences,
            tr.triage_id, tr.triage_state, tr.triage_reason, tr.triage_by, tr.triage_expires_at
            """;
    private static final String ORDER = " order by " + SEVERITY_RANK + ", f.tool, f.check_id, f.id";
    private static final String PAGE = "select " + COLUMNS + """
            , (select min(s.created_at) from findings h join scans s on s.id = h.scan_id where h.fingerprint = f.fingerprint) as first_seen,
              (select max(s.created_at) from findings h join scans s on s.id = h.scan_id where h.fingerprint = f.fingerprint) as last_seen
            """ + " from (select f.* from findings f" + WHERE + ORDER + " limit :limit offset :offset) f"
            + " left join lateral (%s) tr on true" + ORDER;
    private static final String PAGE_LIVE = PAGE.formatted(TriageMatch.IS_TRIAGED, TriageMatch.RULE_OF_FINDING);
    private static final String PAGE_KEPT = PAGE.formatted(KeptTriage.IS_KEPT_TRIAGED, KeptTriage.KEPT_RULE_OF_FINDING);
    private static final String COUNT_LIVE = "select count(*) from findings f" + WHERE.formatted(TriageMatch.IS_TRIAGED);
    private static final String COUNT_KEPT = "select count(*) from findings f" + WHERE.formatted(KeptTriage.IS_KEPT_TRIAGED);
    private static final String HISTORY = """
            select s.id as scan_id, s.created_at as scan_created_at, s.profile, s.aws_profile, s.status as scan_status,
                   f.status, f.severity, f.tool, f.check_id, f.resource_id, f.observed_at
              from findings f join scans s on s.id = f.scan_id
             where f.fingerprint = :fingerprint order by s.created_at desc limit 500
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final KeptTriage kept;

    FindingQueries(JdbcClient jdbc, Clock clock, KeptTriage kept) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.kept = kept;
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    long count(UUID scanId, FindingFilter filter) {
        return bind(jdbc.sql(kept.ensure(scanId) ? COUNT_KEPT : COUNT_LIVE), scanId, filter).query(Long.class).single();
    }

    List<FindingView> page(UUID scanId, FindingFilter filter, Paging paging) {
        return bind(jdbc.sql(kept.ensure(scanId) ? PAGE_KEPT : PAGE_LIVE), scanId, filter).param("limit", paging.size()).param("offset", paging.offset())
                .query((rs, n) -> row(rs, rs.getObject("first_seen", OffsetDateTime.class), rs.getObject("last_seen", OffsetDateTime.class)))
                .list();
    }

    List<Sighting> history(String fingerprint) {
        return jdbc.sql(HISTORY).param("fingerprint", fingerprint).query((rs, n) -> new Sighting(rs.getObject("scan_id", UUID.class),
                rs.getObject("scan_created_at", OffsetDateTime.class), rs.getString("profile"), rs.getString("aws_profile"),
                rs.getString("scan_status"), rs.getString("status"), rs.getString("severity"), rs.getString("tool"),
                rs.getString("check_id"), rs.getString("resource_id"), rs.getObject("observed_at", OffsetDateTime.class))).list();
    }

    private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, UUID scanId, FindingFilter filter) {
        return spec.param("scanId", scanId).param("triageNow", now()).param("triaged", filter.triaged())
                .param("severity", filter.severity()).param("tool", filter.tool())
                .param("status", filter.status()).param("account", filter.account()).param("region", filter.region())
                .param("check", filter.check()).param("resource", filter.resource());
    }

    /** One finding as the API shows it (compliance stays JSON); seen times only where the query has them. */
    static FindingView row(ResultSet rs) throws SQLException {
        return row(rs, null, null);
    }

    private static FindingView row(ResultSet rs, OffsetDateTime firstSeen, OffsetDateTime lastSeen) throws SQLException {
        String compliance = rs.getString("compliance");
        return new FindingView(rs.getString("tool"), rs.getString("check_id"), rs.getString("title"), rs.getString("severity"),
                rs.getString("status"), rs.getString("account"), rs.getString("region"), rs.getString("service"),
                rs.getString("resource_id"), rs.getString("description"), rs.getString("remediation"),
                compliance == null ? null : new RawJson(compliance), rs.getObject("observed_at", OffsetDateTime.class),
                rs.getString("fingerprint"), rs.getInt("occurrences"), FindingView.Triage.of(rs), firstSeen, lastSeen, null);
    }

    /** Compliance mappings are stored as JSON and answered as JSON, not as a string. */
    record RawJson(@JsonRawValue @JsonValue String json) {
    }
}
