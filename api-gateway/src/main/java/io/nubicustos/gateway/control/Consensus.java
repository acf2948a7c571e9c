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

    /** Every evaluation of a mapped check in the scan, with the key it is matched on (null when it names no resource). */
    static final String MAPPED = """
            with evaluated as (
                select f.tool, f.check_id, case when f.status = 'manual' then 'manual' else 'fail' end as verdict,
                       coalesce(f.resource_key, lower(f.resource_id)) as resource_key, f.resource_id, f.severity, f.status, f.fingerprint
                  from findings f where f.scan_id = :scanId
                union all
                select p.tool, p.check_id, 'pass', p.resource_key, p.resource_id, null, 'pass', null
                  from finding_passes p where p.scan_id = :scanId
            ),
            mapped as materialized (
                select c.framework, c.requirement, e.*,
                       case when r.scope = 'account' then 'account' else e.resource_key end as rkey
                  from evaluated e
                  join control_checks c on c.tool = e.tool and c.check_id = e.check_id
                  join control_requirements r on r.framework = c.framework and r.id = c.requirement
            )
            """;
    private static final String CONTROLS = MAPPED + """
            , failed as (
                select framework, requirement, rkey from mapped where verdict = 'fail' and rkey is not null group by 1, 2, 3
            )
            select g.framework, g.requirement, g.rkey, r.title, r.position,
                   array(select distinct m.tool from mapped m where m.framework = g.framework and m.requirement = g.requirement
                          and m.rkey = g.rkey and m.verdict = 'fail' order by 1) as failed_by,
                   array(select distinct m.tool from mapped m where m.framework = g.framework and m.requirement = g.requirement
                          and m.verdict = 'pass' and (m.rkey = g.rkey or m.resource_key is null)
                          and not exists (select 1 from mapped x where x.framework = g.framework and x.requirement = g.requirement
                                          and x.rkey = g.rkey and x.tool = m.tool and x.verdict = 'fail') order by 1) as passed_by,
                   (select jsonb_agg(jsonb_build_object('tool', m.tool, 'check_id', m.check_id, 'severity', m.severity,
                           'status', m.status, 'resource_id', m.resource_id, 'fingerprint', m.fingerprint) order by m.tool, m.check_id)
                      from mapped m where m.framework = g.framework and m.requirement = g.requirement and m.rkey = g.rkey
                       and m.verdict = 'fail') as findings
              from failed g join control_requirements r on r.framework = g.framework and r.id = g.requirement
            """;
    /** For the findings of a page: the tools that fail any control their check is mapped to, on the same key. */
    private static final String CONFIRMED_BY = MAPPED + """
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
              from unnest(cast(:tools as text[]), cast(:checks as text[]), cast(:keys as text[])) with ordinality as q(tool, check_id, resource_key, n)
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    Consensus(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
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

    /** A finding to be confirmed: its tool, check and resource as stored. */
    public record Claim(String tool, String checkId, String resourceId) {
    }

    /** For each claim (in order), the tools that fail a control it is mapped to on the same resource; empty when unmapped. */
    public List<List<String>> confirmedBy(UUID scanId, List<Claim> claims) {
        if (claims.isEmpty()) {
            return List.of();
        }
        String[] tools = claims.stream().map(Claim::tool).toArray(String[]::new);
        String[] checks = claims.stream().map(Claim::checkId).toArray(String[]::new);
        String[] keys = claims.stream().map(c -> ResourceKey.of(c.resourceId())).toArray(String[]::new);
        Map<Long, List<String>> byRow = new HashMap<>();
        jdbc.sql(CONFIRMED_BY).param("scanId", scanId).param("tools", tools).param("checks", checks).param("keys", keys)
                .query((rs, n) -> byRow.put(rs.getLong("n"), Arrays.asList((String[]) rs.getArray("tools").getArray()))).list();
        List<List<String>> result = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            result.add(byRow.getOrDefault((long) i + 1, List.of()));
        }
        return result;
    }
}
