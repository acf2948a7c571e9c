package io.nubicustos.processor.degradation;

import io.nubicustos.processor.announce.FindingChanges;
import io.nubicustos.processor.announce.ScanAnnouncements;
import io.nubicustos.model.lifecycle.StatusSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.model.messaging.ScanEvents;
import io.nubicustos.processor.system.ProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Compares a scan that just settled with its baselines, in the settling transaction: per tool, the previous settled scan
 * of the same profile and account in which the tool succeeded and that was not itself degraded (so a lost permission
 * keeps showing until it is fixed or an operator accepts it, instead of becoming the new normal). A tool that saw far less marks the scan degraded, with the reasons per tool, and
 * announces {@code scan.degraded}; the findings that changed against the baselines are announced ({@link FindingChanges}).
 */
@Component
public class SettledScanReview {

    private static final Logger log = LoggerFactory.getLogger(SettledScanReview.class);
    private static final String SOURCE = "/nubicustos/report-processor";

    /**
     * For each tool that succeeded in scan {@code :id}: its baseline, the latest earlier settled scan of the same profile
     * and account in which that tool succeeded, that was not degraded (or whose degradation an operator accepted). Per
     * tool, so a tool that failed in the previous scan is compared with the last scan in which it ran; ties in
     * completion time are broken by id, so two scans are never each other's baseline.
     */
    private static final String BASELINES = StatusSql.expand("""
            select c.tool, c.coverage::text as now, p.coverage::text as before, p.scan_id as baseline
              from scan_steps c join scans s on s.id = c.scan_id
              left join lateral (
                  select ps.coverage, ps.scan_id from scan_steps ps join scans b on b.id = ps.scan_id
                   where b.profile = s.profile and b.aws_profile = s.aws_profile and b.id <> s.id
                     and b.status in {scan:completed,failed} and (not b.degraded or b.degradation_accepted_at is not null)
                     and (b.completed_at < s.completed_at or (b.completed_at = s.completed_at and b.id < s.id))
                     and ps.tool = c.tool and ps.status = {step:succeeded} and ps.coverage is not null
                   order by b.completed_at desc, b.id desc limit 1) p on true
             where c.scan_id = :id and c.status = {step:succeeded} and c.coverage is not null
             order by c.tool
            """);
    private static final String MARK_DEGRADED = """
            update scans set degraded = true, degraded_reasons = cast(:reasons as jsonb) where id = :id
            """;
    private static final TypeReference<Map<String, Long>> COVERAGE = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final ScanAnnouncements announcements;
    private final ProcessorProperties.Degraded settings;
    private final MeterRegistry meters;

    private final FindingChanges changes;

    SettledScanReview(JdbcClient jdbc, ObjectMapper json, ScanAnnouncements announcements, ProcessorProperties properties,
                      MeterRegistry meters, FindingChanges changes) {
        this.changes = changes;
        this.jdbc = jdbc;
        this.json = json;
        this.announcements = announcements;
        this.settings = properties.degraded();
        this.meters = meters;
    }

    private record ToolBaseline(String tool, String now, String before, UUID baseline) {
    }

    /** Reviews a scan that settled {@code completed} or {@code failed} in the caller's transaction. */
    public void review(UUID scanId, String status, String profile, String awsProfile, OffsetDateTime now) {
        List<ToolBaseline> tools = jdbc.sql(BASELINES).param("id", scanId).query((rs, n) -> new ToolBaseline(rs.getString("tool"),
                rs.getString("now"), rs.getString("before"), rs.getObject("baseline", UUID.class))).list();
        java.util.Set<String> degraded = degradation(scanId, tools, status, profile, now);
        changes.announce(scanId, status, profile, awsProfile,
                tools.stream().map(t -> new FindingChanges.Baseline(t.tool(), t.baseline())).toList(), degraded, now);
    }

    /** Marks the scan degraded if a tool saw far less than its baseline; answers those tools. */
    private java.util.Set<String> degradation(UUID scanId, List<ToolBaseline> tools, String status, String profile, OffsetDateTime now) {
        Map<String, List<String>> byTool = new LinkedHashMap<>();
        Map<String, UUID> baselines = new LinkedHashMap<>();
        for (ToolBaseline tool : tools) {
            if (tool.baseline() == null) {
                continue;
            }
            List<String> reasons = Degradation.reasons(json.readValue(tool.before(), COVERAGE), json.readValue(tool.now(), COVERAGE), settings);
            if (!reasons.isEmpty()) {
                byTool.put(tool.tool(), reasons);
                baselines.put(tool.tool(), tool.baseline());
            }
        }
        if (byTool.isEmpty()) {
            return java.util.Set.of();
        }
        Map<String, Object> degradation = new LinkedHashMap<>();
        // why: the tools' baselines are usually one scan; the reasons say which tool, baselines say against what
        degradation.put("baseline_scan_id", baselines.values().iterator().next());
        degradation.put("baselines", baselines);
        degradation.put("tools", byTool);
        jdbc.sql(MARK_DEGRADED).param("id", scanId).param("reasons", json.writeValueAsString(degradation)).update();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("profile", profile);
        data.putAll(degradation);
        announcements.publish(scanId, ScanEvents.degraded(scanId, status, SOURCE, now, data), now);
        meters.counter("nubicustos.scans.degraded", "profile", profile).increment();
        byTool.keySet().forEach(tool -> meters.counter("nubicustos.scan.degraded.tools", "tool", tool).increment());
        log.warn("Scan {} ({}) {} but is degraded: {} (baselines {})", scanId, profile, status, byTool, baselines);
        return byTool.keySet();
    }
}
