package io.nubicustos.processor.settle;

import io.nubicustos.model.triage.TriageSql;
import io.nubicustos.processor.announce.ScanAnnouncements;
import io.nubicustos.processor.degradation.SettledScanReview;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.ScanTransitions;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.model.messaging.ScanEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * Recomputes a scan's counts from its findings (one statement) and settles the scan once every
 * step is terminal: failed if any step failed, cancelled if any was cancelled, else completed. The
 * guard of {@link ScanTransitions#SETTLE} (only a queued or running scan settles) makes settling happen once, and a settled scan never
 * moves again. Settling writes a CloudEvent to the outbox for {@code scan-events} and to the webhooks subscribed
 * to it, and compares a completed or failed scan with its baseline ({@link SettledScanReview}). Callers run it in
 * their transaction.
 */
@Component
public class ScanFinalizer {

    private static final Logger log = LoggerFactory.getLogger(ScanFinalizer.class);

    private static final String RECOUNT = """
            update scans s set
                   findings_total = c.total, findings_critical = c.critical, findings_high = c.high,
                   findings_medium = c.medium, findings_low = c.low, findings_info = c.info,
                   findings_needs_review = c.needs_review, findings_suppressed = c.suppressed
              from (select count(*) filter (where status = 'fail') as total,
                           count(*) filter (where status = 'fail' and severity = 'critical') as critical,
                           count(*) filter (where status = 'fail' and severity = 'high') as high,
                           count(*) filter (where status = 'fail' and severity = 'medium') as medium,
                           count(*) filter (where status = 'fail' and severity = 'low') as low,
                           count(*) filter (where status = 'fail' and severity = 'info') as info,
                           count(*) filter (where status = 'manual') as needs_review,
                           count(*) filter (where status = 'suppressed') as suppressed
                      from findings where scan_id = :id) c
             where s.id = :id
            """;
    /**
     * {@code no key update}, the lock the recount's UPDATE takes anyway: it excludes the other steps' recounts, but not
     * the key-share locks their findings' foreign keys hold on the row. {@code for update} conflicted with those: two steps
     * of one scan that had both stored findings then waited for each other (a deadlock, the step retried after the sweep).
     */
    private static final String LOCK_SCAN = "select id from scans where id = :id for no key update";

    private final JdbcClient jdbc;
    // why: the gate is evaluated once; without an active rule no finding is read
    private static final String TRIAGED = """
            select count(*) as total, count(*) filter (where f.severity = 'critical') as critical,
                   count(*) filter (where f.severity = 'high') as high, count(*) filter (where f.severity = 'medium') as medium,
                   count(*) filter (where f.severity = 'low') as low, count(*) filter (where f.severity = 'info') as info
              from findings f
             where (select exists (select 1 from triage_rules where expires_at is null or expires_at > :triageNow))
               and f.scan_id = :id and f.status = 'fail' and\s""" + TriageSql.IS_TRIAGED;

    private final ScanAnnouncements announcements;
    private final SettledScanReview review;
    private final TransactionTemplate nested;
    private final Clock clock;
    private final MeterRegistry meters;

    private final io.nubicustos.processor.campaign.CampaignSettlement campaigns;

    ScanFinalizer(JdbcClient jdbc, ScanAnnouncements announcements, SettledScanReview review, Clock clock, MeterRegistry meters,
                  PlatformTransactionManager transactions, io.nubicustos.processor.campaign.CampaignSettlement campaigns) {
        this.campaigns = campaigns;
        this.nested = new TransactionTemplate(transactions);
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.jdbc = jdbc;
        this.announcements = announcements;
        this.review = review;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Recounts the scan from its findings. The scan's row is locked first, in a statement of its own: the steps of one
     * scan are processed at once on several threads, and an {@code UPDATE … FROM (counts)} that waits for another
     * step's transaction to release the row would then write counts taken before that transaction committed, and the
     * last step to settle the scan would settle it without the other step's findings.
     */
    public void recount(UUID scanId) {
        jdbc.sql(LOCK_SCAN).param("id", scanId).query().listOfRows();
        jdbc.sql(RECOUNT).param("id", scanId).update();
    }

    /**
     * The counts as {@code GET /api/scans/{id}/status} answers them at this moment: a failed finding an active triage rule
     * covers is shown but not counted, and the number of those is {@code triaged}; so a consumer of the settled event and a
     * CI gate reading the status see the same numbers.
     */
    private Map<String, Object> counted(UUID scanId, Map<String, Object> row, OffsetDateTime now) {
        Map<String, Object> triaged = jdbc.sql(TRIAGED).param("id", scanId).param("triageNow", now).query().singleRow();
        Map<String, Object> findings = new LinkedHashMap<>();
        for (String key : new String[] {"total", "critical", "high", "medium", "low", "info"}) {
            findings.put(key, Math.max(0, ((Number) row.get("findings_" + key)).longValue() - ((Number) triaged.get(key)).longValue()));
        }
        findings.put("needs_review", row.get("findings_needs_review"));
        findings.put("suppressed", row.get("findings_suppressed"));
        findings.put("triaged", ((Number) triaged.get("total")).longValue());
        return findings;
    }

    /** Settles the scan if all its steps are terminal; answers the new status when it did. */
    public Optional<String> settleIfDone(UUID scanId) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Optional<Map<String, Object>> settled = jdbc.sql(ScanTransitions.SETTLE.sql()).param("id", scanId).param("now", now).query().listOfRows()
                .stream().findFirst();
        if (settled.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = settled.get();
        String status = (String) row.get("status");
        String profile = (String) row.get("profile");
        Map<String, Object> findings = counted(scanId, row, now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("profile", profile);
        data.put("aws_profile", row.get("aws_profile"));
        data.put("findings", findings);
        announcements.publish(scanId, ScanEvents.settled(scanId, status, "/nubicustos/report-processor", now, data), now);
        if (ScanStatus.fromDb(status) != ScanStatus.CANCELLED) {
            try {
                // why: in a savepoint: a review that fails (a bug, a value the database refuses) must not undo the settling
                nested.executeWithoutResult(s -> review.review(scanId, status, profile, (String) row.get("aws_profile"), now));
            } catch (RuntimeException e) {
                log.warn("Scan {} settled {}, but comparing it with its baseline failed ({}); it is not marked degraded", scanId, status,
                        e.toString());
            }
        }
        campaigns.afterChildSettled(scanId, now);
        meters.counter("nubicustos.scans.finished", "profile", profile, "outcome", status).increment();
        if (row.get("created_at") instanceof Timestamp created) {
            Timer.builder("nubicustos.scan.settle").description("From a scan's accept to its settling").tag("profile", profile)
                    .register(meters).record(Duration.between(created.toInstant(), now.toInstant()));
        }
        log.info("Scan {} ({}) {}: {}", scanId, profile, status, findings);
        return Optional.of(status);
    }
}
