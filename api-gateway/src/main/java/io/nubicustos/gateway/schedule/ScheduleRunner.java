package io.nubicustos.gateway.schedule;

import io.nubicustos.support.loop.PeriodicTasks;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.scan.ScanCreator;
import io.nubicustos.gateway.scan.ScanRequest;
import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Fires due schedules. Every API instance runs this; a due row is claimed with {@code for update skip
 * locked} and its next due time moved past now in the same transaction, so each due time creates one scan
 * however many instances look at once (db-scheduler's guarded claim). The scan's request id names the
 * schedule and the due time, a second guard. After downtime a schedule fires once, for its latest missed
 * time, not once per slot it missed.
 */
@Component
public class ScheduleRunner implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

    private final ScheduleRepository schedules;
    private final ScanRequestParser parser;
    private final ScanCreator creator;
    private final TransactionTemplate tx;
    private final TransactionTemplate nested;
    private final Clock clock;
    private final MeterRegistry meters;
    private final GatewayProperties.Schedules settings;

    private final io.nubicustos.gateway.campaign.CampaignCreator campaigns;

    ScheduleRunner(io.nubicustos.gateway.campaign.CampaignCreator campaigns, ScheduleRepository schedules, ScanRequestParser parser,
                   ScanCreator creator, TransactionTemplate tx, Clock clock,
                   MeterRegistry meters, GatewayProperties properties) {
        this.campaigns = campaigns;
        this.schedules = schedules;
        this.parser = parser;
        this.creator = creator;
        this.tx = tx;
        this.nested = new TransactionTemplate(tx.getTransactionManager());
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock;
        this.meters = meters;
        this.settings = properties.schedules();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.every(registrar, meters, "firing due schedules", settings.checkInterval(), this::runOnce);
    }

    /** Fires the schedules due now (at most a batch); answers how many due times were handled. */
    public int runOnce() {
        Instant now = clock.instant();
        int handled = 0;
        for (int i = 0; i < settings.batch(); i++) {
            // why: one transaction per due time, so that one schedule that cannot fire never holds back the others
            String kind = tx.execute(status -> schedules.claimDue(now, 1).stream().findFirst().map(row -> fireOrRecord(row, now))
                    .orElse(null));
            if (kind == null) {
                break;
            }
            meters.counter("nubicustos.schedules.fired", "outcome", kind).increment();
            handled++;
        }
        return handled;
    }

    /**
     * Fires the claimed row inside a savepoint; whatever goes wrong there (the database refusing the scan, a
     * stored cron that no longer parses) is rolled back to it and recorded on the row, which moves on, so it is
     * not claimed first again and again.
     */
    private String fireOrRecord(ScheduleRepository.Row row, Instant now) {
        try {
            return nested.execute(status -> fire(row, now));
        } catch (RuntimeException e) {
            log.warn("Schedule {} could not fire ({}); recorded on the schedule", row.id(), e.toString());
            Instant next;
            try {
                next = timing(row).nextAfter(now);
            } catch (RuntimeException timing) {
                next = null;
            }
            schedules.fired(row.id(), now, next, null, "failed: " + e.getMessage() + (next == null ? "; paused: its timing no longer parses" : ""));
            return "failed";
        }
    }

    private String fire(ScheduleRepository.Row row, Instant now) {
        Instant slot = row.nextRunAt().toInstant();
        Instant next = timing(row).nextAfter(now);
        Optional<UUID> running = row.overlap().equals("skip") ? schedules.stillRunning(row.id()) : Optional.empty();
        UUID scanId = null;
        String kind;
        String outcome;
        if (running.isPresent()) {
            kind = "skipped";
            outcome = "skipped: scan " + running.get() + " of this schedule is still queued or running";
        } else {
            try {
                String requestId = "schedule:" + row.id() + ":" + slot.toEpochMilli();
                if (row.request().has("accounts")) {
                    var campaign = campaigns.create(row.request(), "schedule", requestId, "schedule " + row.id(),
                            new ScanCreator.Requester("schedule", requestId), row.id());
                    scanId = campaign.scans().isEmpty() ? null : campaign.scans().get(0).scan_id();
                    kind = "created";
                    outcome = "created campaign " + campaign.campaignId() + " (" + campaign.scans().size() + " accounts, "
                            + campaign.skipped().size() + " skipped)";
                } else {
                    ScanRequest request = parser.parse(row.request());
                    ScanCreator.CreatedScan created = creator.create(request, "schedule", requestId, row.id());
                    scanId = created.scanId();
                    kind = "created";
                    outcome = "created scan " + scanId;
                }
            } catch (ApiException e) {
                // why: the catalog or the credentials changed since the schedule was stored; it says why and tries next time
                kind = "failed";
                outcome = "failed: " + e.getMessage();
            }
        }
        schedules.fired(row.id(), now, next, scanId, outcome);
        log.info("Schedule {} due at {}: {}; next at {}", row.id(), slot, outcome, next);
        return kind;
    }

    private static ScheduleTiming timing(ScheduleRepository.Row row) {
        return row.cron() != null ? ScheduleTiming.cron(row.cron(), row.timeZone())
                : ScheduleTiming.every(Duration.ofMillis(row.intervalMs()), Duration.ZERO, row.nextRunAt().toInstant());
    }
}
