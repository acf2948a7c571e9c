package io.nubicustos.processor.processing;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.messaging.ScanEvents;
import io.nubicustos.model.messaging.WebhookFanout;
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
import java.util.Optional;
import java.util.UUID;

/**
 * Compares a scan that just settled with its baseline, in the settling transaction: the previous settled scan of the
 * same profile and account that was not itself degraded (so a lost permission keeps showing until it is fixed, instead
 * of becoming the new normal). A tool that saw far less marks the scan degraded, with the reasons per tool, and
 * announces {@code scan.degraded}; new failing findings are announced to {@code findings.new} subscribers.
 */
@Component
class SettledScanReview {

    private static final Logger log = LoggerFactory.getLogger(SettledScanReview.class);
    private static final String SOURCE = "/nubicustos/report-processor";

    private static final String BASELINE = """
            select b.id from scans s
              join scans b on b.profile = s.profile and b.aws_profile = s.aws_profile and b.id <> s.id
             where s.id = :id and b.status in ('completed', 'failed') and not b.degraded and b.completed_at <= s.completed_at
             order by b.completed_at desc, b.created_at desc limit 1
            """;
    private static final String COVERAGES = """
            select c.tool, c.coverage::text as now, p.coverage::text as before
              from scan_steps c join scan_steps p on p.scan_id = :baseline and p.tool = c.tool
             where c.scan_id = :id and c.status = 'succeeded' and p.status = 'succeeded'
               and c.coverage is not null and p.coverage is not null
             order by c.tool
            """;
    private static final String MARK_DEGRADED = """
            update scans set degraded = true, degraded_reasons = cast(:reasons as jsonb) where id = :id
            """;
    private static final String ANYONE_WANTS_NEW_FINDINGS = """
            select exists (select 1 from webhooks where enabled and 'findings.new' = any(event_types))
            """;
    private static final String NEW_FINDINGS = """
            select f.severity, count(*) as count from findings f
             where f.scan_id = :id and f.status = 'fail'
               and (cast(:baseline as uuid) is null
                    or not exists (select 1 from findings p where p.fingerprint = f.fingerprint and p.scan_id = :baseline))
             group by f.severity
            """;
    private static final TypeReference<Map<String, Long>> COVERAGE = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final ScanAnnouncements announcements;
    private final ProcessorProperties.Degraded settings;
    private final MeterRegistry meters;

    SettledScanReview(JdbcClient jdbc, ObjectMapper json, ScanAnnouncements announcements, ProcessorProperties properties,
                      MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.announcements = announcements;
        this.settings = properties.degraded();
        this.meters = meters;
    }

    /** Reviews a scan that settled {@code completed} or {@code failed} in the caller's transaction. */
    void review(UUID scanId, String status, String profile, OffsetDateTime now) {
        Optional<UUID> baseline = jdbc.sql(BASELINE).param("id", scanId).query(UUID.class).optional();
        baseline.ifPresent(b -> degradation(scanId, b, status, profile, now));
        if (jdbc.sql(ANYONE_WANTS_NEW_FINDINGS).query(Boolean.class).single()) {
            newFindings(scanId, baseline.orElse(null), status, profile, now);
        }
    }

    private void degradation(UUID scanId, UUID baseline, String status, String profile, OffsetDateTime now) {
        Map<String, List<String>> byTool = new LinkedHashMap<>();
        jdbc.sql(COVERAGES).param("id", scanId).param("baseline", baseline).query((rs, n) -> {
            List<String> reasons = Degradation.reasons(json.readValue(rs.getString("before"), COVERAGE),
                    json.readValue(rs.getString("now"), COVERAGE), settings);
            if (!reasons.isEmpty()) {
                byTool.put(rs.getString("tool"), reasons);
            }
            return null;
        }).list();
        if (byTool.isEmpty()) {
            return;
        }
        Map<String, Object> degradation = new LinkedHashMap<>();
        degradation.put("baseline_scan_id", baseline);
        degradation.put("tools", byTool);
        jdbc.sql(MARK_DEGRADED).param("id", scanId).param("reasons", json.writeValueAsString(degradation)).update();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("profile", profile);
        data.putAll(degradation);
        announcements.publish(scanId, ScanEvents.degraded(scanId, status, SOURCE, now, data), now);
        meters.counter("nubicustos.scans.degraded", "profile", profile).increment();
        byTool.keySet().forEach(tool -> meters.counter("nubicustos.scan.degraded.tools", "tool", tool).increment());
        log.warn("Scan {} ({}) {} but is degraded against scan {}: {}", scanId, profile, status, baseline, byTool);
    }

    private void newFindings(UUID scanId, UUID baseline, String status, String profile, OffsetDateTime now) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Severity severity : Severity.values()) {
            counts.put(severity.db(), 0L);
        }
        jdbc.sql(NEW_FINDINGS).param("id", scanId).param("baseline", baseline)
                .query((rs, n) -> counts.put(rs.getString("severity"), rs.getLong("count"))).list();
        Optional<Severity> highest = java.util.Arrays.stream(Severity.values()).filter(s -> counts.get(s.db()) > 0).findFirst();
        if (highest.isEmpty()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("scan_id", scanId);
        data.put("status", status);
        data.put("profile", profile);
        data.put("baseline_scan_id", baseline);
        data.put("new_findings", counts);
        Map<String, Object> event = ScanEvents.of(WebhookFanout.CLOUDEVENTS_PREFIX + WebhookFanout.FINDINGS_NEW, scanId, SOURCE, now, data);
        announcements.toWebhooks(scanId, event, WebhookFanout.rank(highest.get()), now);
    }
}
