package io.nubicustos.gateway.finding;

import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.gateway.finding.FindingResponses.ScanDiff;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.scan.ScanQueries.ScanView;
import io.nubicustos.gateway.web.ApiException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What changed between two scans, by fingerprint (tool, account, region, resource, check), over the
 * failed checks: <b>new</b> (only in this scan), <b>fixed</b> (only in the other), <b>unchanged</b>.
 * Only tools that succeeded in both scans are compared: a tool that failed in one scan would otherwise
 * make all its findings look fixed (or new). The default baseline is the previous settled scan of the
 * same profile and AWS profile.
 */
@RestController
class ScanDiffController {

    private static final String PREVIOUS = StatusSql.expand("""
            select id from scans
             where profile = :profile and aws_profile = :awsProfile and created_at < :createdAt and id <> :id
               and status in {scan:completed,failed}
             order by created_at desc limit 1
            """);
    private static final String COMPARABLE_TOOLS = StatusSql.expand("""
            select a.tool from scan_steps a join scan_steps b on b.tool = a.tool
             where a.scan_id = :this and b.scan_id = :other and a.status = {step:succeeded} and b.status = {step:succeeded}
             order by a.tool
            """);
    private static final String ALL_TOOLS = "select distinct tool from scan_steps where scan_id in (:this, :other) order by tool";
    private static final String COUNTS = """
            with a as (select distinct fingerprint from findings where scan_id = :this and status = 'fail' and tool in (:tools)),
                 b as (select distinct fingerprint from findings where scan_id = :other and status = 'fail' and tool in (:tools))
            select count(*) filter (where b.fingerprint is null) as new,
                   count(*) filter (where a.fingerprint is null) as fixed,
                   count(*) filter (where a.fingerprint is not null and b.fingerprint is not null) as unchanged
              from a full join b on a.fingerprint = b.fingerprint
            """;
    private static final String ONLY_IN = "select " + FindingQueries.COLUMNS + FindingQueries.FROM + """
             where f.scan_id = :in and f.status = 'fail' and f.tool in (:tools)
               and not exists (select 1 from findings o where o.scan_id = :notIn and o.status = 'fail' and o.fingerprint = f.fingerprint)
             order by """ + " " + FindingQueries.SEVERITY_RANK + ", f.tool, f.check_id, f.id limit :limit";

    private final JdbcClient jdbc;
    private final ScanQueries scans;

    private final Clock clock;

    ScanDiffController(JdbcClient jdbc, ScanQueries scans, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.scans = scans;
    }

    @GetMapping("/api/scans/{id}/diff")
    ScanDiff diff(@PathVariable("id") UUID id, @RequestParam(required = false) UUID against,
                  @RequestParam(defaultValue = "100") int limit) {
        if (limit < 0 || limit > 1000) {
            throw ApiException.badRequest("limit", "limit must be between 0 and 1000");
        }
        ScanView scan = scans.scan(id);
        if (against != null) {
            scans.requireExists(against);
        }
        Optional<UUID> baseline = against != null ? Optional.of(against)
                : jdbc.sql(PREVIOUS).param("profile", scan.profile()).param("awsProfile", scan.awsProfile())
                .param("createdAt", scan.createdAt()).param("id", id).query(UUID.class).optional();
        if (baseline.isEmpty()) {
            return ScanDiff.withoutBaseline(id, "no earlier settled scan of profile '" + scan.profile() + "' and aws_profile '"
                    + scan.awsProfile() + "' to compare with");
        }
        UUID other = baseline.get();
        List<String> tools = jdbc.sql(COMPARABLE_TOOLS).param("this", id).param("other", other).query(String.class).list();
        List<String> skipped = jdbc.sql(ALL_TOOLS).param("this", id).param("other", other).query(String.class).list()
                .stream().filter(t -> !tools.contains(t)).toList();
        if (tools.isEmpty()) {
            return new ScanDiff(id, other, null, tools, skipped, 0L, 0L, 0L, null, null);
        }
        Map<String, Object> counts = jdbc.sql(COUNTS).param("this", id).param("other", other).param("tools", tools).query().singleRow();
        return new ScanDiff(id, other, null, tools, skipped, count(counts, "new"), count(counts, "fixed"), count(counts, "unchanged"),
                only(id, other, tools, limit), only(other, id, tools, limit));
    }

    private static Long count(Map<String, Object> counts, String name) {
        return ((Number) counts.get(name)).longValue();
    }

    private List<FindingView> only(UUID in, UUID notIn, List<String> tools, int limit) {
        return jdbc.sql(ONLY_IN).param("in", in).param("notIn", notIn).param("tools", tools).param("limit", limit)
                .param("triageNow", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .query((rs, n) -> FindingQueries.row(rs)).list();
    }
}
