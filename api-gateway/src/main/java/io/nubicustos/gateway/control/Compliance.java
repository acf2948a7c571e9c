package io.nubicustos.gateway.control;

import io.nubicustos.model.control.ControlFramework;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A scan's compliance per framework and requirement, across its tools. A requirement is met or not through two
 * sources: our control mappings (a check mapped to it: ScoutSuite's, CloudSploit's, our Custodian pack's) and the tools'
 * own compliance fields (Prowler names the requirements of CIS, SOC 2, PCI... its checks belong to; Kubescape the
 * frameworks its controls are part of). A requirement <b>fails</b> when any tool has a finding for it (a muted one
 * included: muting does not make it compliant), needs review (<b>manual</b>) when a tool says so or the requirement is a
 * manual one nothing passed, <b>passes</b> when a tool passed it, and is <b>not covered</b> when no tool evaluated it.
 * Only a framework we keep a mapping of knows its whole list of requirements; for the others, the requirements some
 * tool named.
 */
@Repository
public class Compliance {

    public static final List<String> STATUSES = List.of("fail", "manual", "pass", "not_covered");
    static final int FINDINGS_PER_REQUIREMENT = 100;

    private static final String EVALUATED = """
            with evaluated as (
                select f.tool, f.check_id, case f.status when 'manual' then 'manual' else 'fail' end as verdict, f.status, f.severity,
                       f.resource_id, f.region, f.fingerprint, f.compliance
                  from findings f where f.scan_id = :scanId
                union all
                select p.tool, p.check_id, 'pass', 'pass', null, p.resource_id, p.region, null, p.compliance
                  from finding_passes p where p.scan_id = :scanId
            )
            """;
    private static final String REQUIREMENT_COLUMNS = """
            count(h.tool) filter (where h.verdict = 'fail') as fails, count(h.tool) filter (where h.verdict = 'manual') as manuals,
            count(h.tool) filter (where h.verdict = 'pass') as passes,
            coalesce(array_remove(array_agg(distinct h.tool), null), '{}') as tools,
            coalesce(array_remove(array_agg(distinct h.tool) filter (where h.verdict = 'pass'), null), '{}') as passed_by,
            count(h.tool) filter (where h.verdict <> 'pass') as findings_total,
            to_jsonb((array_agg(jsonb_build_object('tool', h.tool, 'check_id', h.check_id, 'severity', h.severity, 'status', h.status,
                    'resource_id', h.resource_id, 'region', h.region, 'fingerprint', h.fingerprint)
                    order by h.tool, h.check_id, h.resource_id, h.region)
                filter (where h.verdict <> 'pass'))[1 : %d])::text as findings
            """.formatted(FINDINGS_PER_REQUIREMENT);
    /** A mapped framework: every requirement, its evaluations by mapping and by the tools' own naming of it. */
    private static final String MAPPED = EVALUATED + """
            , hits as (
                select c.requirement, e.tool, e.check_id, e.verdict, e.status, e.severity, e.resource_id, e.region, e.fingerprint
                  from evaluated e join control_checks c on c.tool = e.tool and c.check_id = e.check_id and c.framework = :framework
                union
                select named.id, e.tool, e.check_id, e.verdict, e.status, e.severity, e.resource_id, e.region, e.fingerprint
                  from evaluated e cross join lateral jsonb_each(e.compliance) k(framework, ids)
                  cross join lateral jsonb_array_elements_text(case when jsonb_typeof(k.ids) = 'array' then k.ids else '[]'::jsonb end) named(id)
                 where lower(k.framework) = any (cast(:aliases as text[]))
            )
            select r.id as requirement, r.title, r.assessment,
            """ + REQUIREMENT_COLUMNS + """
              from control_requirements r left join hits h on h.requirement = r.id
             where r.framework = :framework
             group by r.id, r.title, r.assessment, r.position order by r.position
            """;
    /** The frameworks the tools named themselves, but for those a mapping stands for. */
    private static final String REPORTED = EVALUATED + """
            , hits as (
                select distinct k.framework, named.id as requirement, e.tool, e.check_id, e.verdict, e.status, e.severity, e.resource_id, e.region, e.fingerprint
                  from evaluated e cross join lateral jsonb_each(e.compliance) k(framework, ids)
                  cross join lateral jsonb_array_elements_text(case when jsonb_typeof(k.ids) = 'array' then k.ids else '[]'::jsonb end) named(id)
                 where not (lower(k.framework) = any (cast(:aliases as text[])))
                   and (cast(:only as text) is null or lower(k.framework) = lower(cast(:only as text)))
            )
            select h.framework, h.requirement,
            """ + REQUIREMENT_COLUMNS + """
              from hits h group by h.framework, h.requirement
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final ControlMappings mappings;

    Compliance(JdbcClient jdbc, ObjectMapper json, ControlMappings mappings) {
        this.jdbc = jdbc;
        this.json = json;
        this.mappings = mappings;
    }

    /** One requirement's verdict. */
    public record Requirement(String id, @org.jspecify.annotations.Nullable String title, String status, List<String> tools, List<String> passedBy, long failed,
                              long manual, long passed, List<JsonNode> findings, long findingsTotal) {
    }

    /** One framework's requirements and totals per status. */
    public record Framework(String framework, String title, String source, Map<String, Long> totals, List<Requirement> requirements) {
    }

    /** The scan's frameworks, or only {@code only} (an id, an alias or a reported name); empty when it has none of that name. */
    public List<Framework> of(UUID scanId, String only) {
        List<Framework> result = new ArrayList<>();
        List<String> aliases = mappings.aliases().stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList();
        for (ControlFramework mapped : mappings.frameworks()) {
            if (only != null && mappings.find(only).filter(mapped::equals).isEmpty()) {
                continue;
            }
            List<Requirement> requirements = jdbc.sql(MAPPED).param("scanId", scanId).param("framework", mapped.framework())
                    .param("aliases", mapped.aliases().stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toArray(String[]::new))
                    .query((rs, n) -> requirement(rs, rs.getString("requirement"), rs.getString("title"), "manual".equals(rs.getString("assessment"))))
                    .list();
            result.add(framework(mapped.framework(), mapped.title(), "mapping", requirements));
        }
        if (only != null && !result.isEmpty()) {
            return result;
        }
        Map<String, List<Requirement>> reported = new LinkedHashMap<>();
        jdbc.sql(REPORTED).param("scanId", scanId).param("aliases", aliases.toArray(String[]::new)).param("only", only)
                .query((rs, n) -> reported.computeIfAbsent(rs.getString("framework"), k -> new ArrayList<>())
                        .add(requirement(rs, rs.getString("requirement"), null, false))).list();
        reported.keySet().stream().sorted(String.CASE_INSENSITIVE_ORDER).forEach(name -> {
            List<Requirement> requirements = new ArrayList<>(reported.get(name));
            requirements.sort(Comparator.comparing(Requirement::id, Compliance::naturally));
            result.add(framework(name, name, "reported", requirements));
        });
        return result;
    }

    private Requirement requirement(java.sql.ResultSet rs, String id, String title, boolean manualRequirement) throws java.sql.SQLException {
        long fails = rs.getLong("fails");
        long manuals = rs.getLong("manuals");
        long passes = rs.getLong("passes");
        String status = fails > 0 ? "fail" : manuals > 0 ? "manual" : passes > 0 ? "pass" : manualRequirement ? "manual" : "not_covered";
        List<JsonNode> findings = new ArrayList<>();
        String agg = rs.getString("findings");
        long total = rs.getLong("findings_total");
        if (agg != null) {
            json.readTree(agg).forEach(findings::add);
        }
        return new Requirement(id, title, status, Arrays.asList((String[]) rs.getArray("tools").getArray()),
                Arrays.asList((String[]) rs.getArray("passed_by").getArray()), fails, manuals, passes, findings, total);
    }

    private static Framework framework(String id, String title, String source, List<Requirement> requirements) {
        Map<String, Long> totals = new LinkedHashMap<>();
        STATUSES.forEach(s -> totals.put(s, 0L));
        requirements.forEach(r -> totals.merge(r.status(), 1L, Long::sum));
        return new Framework(id, title, source, totals, requirements);
    }

    /**
     * "1.2" before "1.10": ids compared part by part (split at dots and dashes), numbers by value and before words, words
     * as text, then the whole ids as text. A total order whatever the tools named: sorting never breaks its contract.
     */
    static int naturally(String a, String b) {
        String[] x = a.split("[.\\-]", -1);
        String[] y = b.split("[.\\-]", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = x[i].matches("\\d+");
            boolean ny = y[i].matches("\\d+");
            int c = nx && ny ? numerically(x[i], y[i]) : nx != ny ? (nx ? -1 : 1) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(x.length, y.length);
        return c != 0 ? c : a.compareTo(b);
    }

    private static int numerically(String x, String y) {
        String a = x.replaceFirst("^0+(?=.)", "");
        String b = y.replaceFirst("^0+(?=.)", "");
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
}
