package io.nubicustos.gateway.control;

import io.nubicustos.model.control.ResourceKey;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which tools agree about a control on a resource, within one scan (its tools all ran with one profile, so one account).
 * A finding is mapped to common controls through {@code control_checks}; two evaluations meet when they are of the
 * same requirement and, for a requirement about resources, of the same {@link ResourceKey} (an account-wide
 * requirement meets on the account). A tool <b>fails</b> a control on a resource with a finding (failed or muted), and
 * <b>passes</b> it with a kept passing result of a mapped check on that resource, or one without a resource (the check
 * passed on everything it evaluated), when it has no failure there itself. A <b>disagreement</b> is a control on a
 * resource some tool fails and another passes.
 */
@Repository
public class Consensus {

    /**
     * A finding's resource key: the one stored with it, else (a finding stored before keys were) its lower-cased resource
     * id; none for a finding that names no resource.
     */
    static final int FINDINGS_PER_CONTROL = 50;
    static final String KEY_OF_FINDING = """
            case when f.resource_key is not null then f.resource_key
                 when f.resource_id is null or lower(btrim(f.resource_id)) in ('', 'n/a') then null
                 else lower(btrim(f.resource_id)) end""";
    /**
     * Every evaluation of a mapped check in the scan ({@code %s}: which checks), with the key it is matched on: the
     * account for an account-wide requirement, else the resource key. A pass with neither resource nor region (a
     * ScoutSuite rule that flagged nothing of what it checked) passes the whole check.
     */
    private static final String MAPPED = """
            with evaluated as (
                select f.tool, f.check_id, case when f.status = 'manual' then 'manual' else 'fail' end as verdict,
                       %1$s as resource_key, f.resource_id, f.region, f.severity, f.status, f.fingerprint
                  from findings f where f.scan_id = :scanId and %2$s
                union all
                select p.tool, p.check_id, 'pass', p.resource_key, p.resource_id, p.region, null, 'pass', null
                  from finding_passes p where p.scan_id = :scanId and %3$s
            ),
            mapped as materialized (
                select c.framework, c.requirement, e.*,
                       case when r.scope = 'account' then 'account' else e.resource_key end as rkey,
                       (e.verdict = 'pass' and e.resource_key is null and e.region is null) as whole_check
                  from evaluated e
                  join control_checks c on c.tool = e.tool and c.check_id = e.check_id
                  join control_requirements r on r.framework = c.framework and r.id = c.requirement
            )
            """;
    private static final String CONTROLS = MAPPED.formatted(KEY_OF_FINDING, "true", "true") + """
            , failing as (
                select framework, requirement, rkey, array_agg(distinct tool order by tool) as tools,
                       (array_agg(jsonb_build_object('tool', tool, 'check_id', check_id, 'severity', severity, 'status', status,
                               'resource_id', resource_id, 'region', region, 'fingerprint', fingerprint)
                               order by tool, check_id, resource_id, region))[1 : %d] as findings
                  from mapped where verdict = 'fail' and rkey is not null group by 1, 2, 3
            ),
            passing as (
                select distinct framework, requirement, rkey, tool, whole_check from mapped where verdict = 'pass'
            ),
            passed as (
                select g.framework, g.requirement, g.rkey, p.tool
                  from failing g join passing p on p.framework = g.framework and p.requirement = g.requirement and p.rkey = g.rkey
                 where not p.tool = any (g.tools)
                union
                select g.framework, g.requirement, g.rkey, p.tool
                  from failing g join passing p on p.framework = g.framework and p.requirement = g.requirement and p.whole_check
                 where not p.tool = any (g.tools)
            ),
            passed_by as (
                select framework, requirement, rkey, array_agg(tool order by tool) as tools from passed group by 1, 2, 3
            )
            select g.framework, g.requirement, g.rkey, r.title, r.position, g.tools as failed_by,
                   coalesce(pb.tools, '{}') as passed_by, to_jsonb(g.findings)::text as findings
              from failing g
              join control_requirements r on r.framework = g.framework and r.id = g.requirement
              left join passed_by pb on pb.framework = g.framework and pb.requirement = g.requirement and pb.rkey = g.rkey
            """.formatted(FINDINGS_PER_CONTROL);
    /** The checks sharing a requirement with one of the claims' checks: all a page's confirmations need to look at. */
    private static final String RELEVANT = """
            (tool, check_id) in (select c2.tool, c2.check_id from control_checks c1
                                   join control_checks c2 on c2.framework = c1.framework and c2.requirement = c1.requirement
                                   join claims q on q.tool = c1.tool and q.check_id = c1.check_id)""";
    /** For the findings of a page (by fingerprint): the tools that fail any control their check is mapped to, on the same key. */
    private static final String CONFIRMED_BY = "with claims as (" + """
                select q.n, f.tool, f.check_id, %s as resource_key
                  from unnest(cast(:fingerprints as text[])) with ordinality as q(fingerprint, n)
                  join lateral (select * from findings f where f.scan_id = :scanId and f.fingerprint = q.fingerprint limit 1) f on true
            ), """.formatted(KEY_OF_FINDING) + MAPPED.formatted(KEY_OF_FINDING, RELEVANT.strip().replace("(tool, check_id) in", "(f.tool, f.check_id) in"),
            RELEVANT.strip().replace("(tool, check_id) in", "(p.tool, p.check_id) in")).replaceFirst("with evaluated", "evaluated") + """
            , agreeing as (
                select framework, requirement, rkey, array_agg(distinct tool) as tools from mapped where verdict = 'fail' group by 1, 2, 3
            )
            select q.n, array(select distinct t from agreeing a
                                join control_checks c on c.framework = a.framework and c.requirement = a.requirement
                                join control_requirements r on r.framework = a.framework and r.id = a.requirement
                                cross join unnest(a.tools) t
                               where c.tool = q.tool and c.check_id = q.check_id
                                 and a.rkey = case when r.scope = 'account' then 'account' else q.resource_key end
                               order by 1) as tools
              from claims q
            """;
    /**
     * For every finding of the scan that another tool confirms: the tools failing a control it maps to, on its key. A
     * finding only its own tool fails is left out (the reader falls back to its own tool), so the map stays small.
     */
    private static final String CONFIRMATIONS = MAPPED.formatted(KEY_OF_FINDING, "true", "false") + """
            , agreeing as (
                select framework, requirement, rkey, array_agg(distinct tool) as tools from mapped where verdict = 'fail' group by 1, 2, 3
            )
            select m.fingerprint, t.tool
              from mapped m join agreeing a on a.framework = m.framework and a.requirement = m.requirement and a.rkey = m.rkey
              cross join unnest(a.tools) as t(tool)
             where m.fingerprint is not null and exists (select 1 from unnest(a.tools) other where other <> m.tool)
            """;

    private final JdbcClient jdbc;
    private final JdbcClient streaming;
    private final ObjectMapper json;

    Consensus(JdbcClient jdbc, javax.sql.DataSource dataSource, ObjectMapper json) {
        this.jdbc = jdbc;
        // why: an export's confirmations are read through a cursor (inside the export's transaction), not held by the driver
        org.springframework.jdbc.core.JdbcTemplate cursor = new org.springframework.jdbc.core.JdbcTemplate(dataSource);
        cursor.setFetchSize(1000);
        this.streaming = JdbcClient.create(new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(cursor));
        this.json = json;
    }

    /** One control on one resource, and what each tool said. */
    public record Agreement(String framework, String requirement, String title, int position, String resource, List<String> failedBy,
                            List<String> passedBy, JsonNode findings) {
        public boolean disagreement() {
            return !failedBy.isEmpty() && !passedBy.isEmpty();
        }
    }

    /** Every control a tool fails in the scan: disagreements first, then the most confirmed, then in the framework's order. */
    public List<Agreement> controls(UUID scanId) {
        List<Agreement> all = new ArrayList<>(jdbc.sql(CONTROLS).param("scanId", scanId).query((rs, n) -> new Agreement(rs.getString("framework"),
                rs.getString("requirement"), rs.getString("title"), rs.getInt("position"), rs.getString("rkey"),
                Arrays.asList((String[]) rs.getArray("failed_by").getArray()), Arrays.asList((String[]) rs.getArray("passed_by").getArray()),
                json.readTree(rs.getString("findings")))).list());
        all.sort((a, b) -> a.disagreement() != b.disagreement() ? (a.disagreement() ? -1 : 1)
                : a.failedBy().size() != b.failedBy().size() ? b.failedBy().size() - a.failedBy().size()
                : a.framework().equals(b.framework()) ? a.position() != b.position() ? a.position() - b.position() : a.resource().compareTo(b.resource())
                : a.framework().compareTo(b.framework()));
        return all;
    }

    /** A finding to be confirmed: its tool, and its fingerprint, by which its stored resource key is found. */
    public record Claim(String tool, String fingerprint) {
    }

    /**
     * The confirmations of a whole scan, by fingerprint (a finding absent from the map is confirmed by its own tool only):
     * what an export writes beside each finding, computed once before it streams.
     */
    public Map<String, List<String>> confirmations(UUID scanId) {
        Map<String, java.util.SortedSet<String>> byFingerprint = new HashMap<>();
        streaming.sql(CONFIRMATIONS).param("scanId", scanId).query(rs -> {
            byFingerprint.computeIfAbsent(rs.getString("fingerprint"), k -> new java.util.TreeSet<>()).add(rs.getString("tool"));
        });
        Map<String, List<String>> result = new HashMap<>();
        byFingerprint.forEach((fingerprint, tools) -> result.put(fingerprint, List.copyOf(tools)));
        return result;
    }

    /** For each claim (in order), the tools that fail a control it is mapped to on the same resource; empty when unmapped. */
    public List<List<String>> confirmedBy(UUID scanId, List<Claim> claims) {
        if (claims.isEmpty()) {
            return List.of();
        }
        String[] fingerprints = claims.stream().map(Claim::fingerprint).toArray(String[]::new);
        Map<Long, List<String>> byRow = new HashMap<>();
        jdbc.sql(CONFIRMED_BY).param("scanId", scanId).param("fingerprints", fingerprints)
                .query((rs, n) -> byRow.put(rs.getLong("n"), Arrays.asList((String[]) rs.getArray("tools").getArray()))).list();
        List<List<String>> result = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            result.add(byRow.getOrDefault((long) i + 1, List.of()));
        }
        return result;
    }
}
