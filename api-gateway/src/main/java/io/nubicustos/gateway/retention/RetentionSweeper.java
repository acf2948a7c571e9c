package io.nubicustos.gateway.retention;

import io.nubicustos.support.loop.PeriodicTasks;
import io.nubicustos.model.lifecycle.StatusSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.model.files.SafeTree;
import io.nubicustos.model.reports.ReportLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the data from growing for ever: settled scans past their age go with their steps, findings and
 * report directories (their whole logs too), old audit log entries and old webhook deliveries (delivered or failed,
 * with their attempts) go, in batches of one short statement each (rows another
 * transaction holds are skipped, and taken next round). A scan that is queued or running is never pruned,
 * nor the latest settled scan of a schedule (the baseline its next scan is compared with), even while a newer
 * one runs.
 */
@Component
public class RetentionSweeper implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    private static final String PRUNE_SCANS = StatusSql.expand("""
            delete from scans where id in (
                select s.id from scans s
                 where s.status in {scan:terminal}
                   and coalesce(s.completed_at, s.created_at) < :before
                   and (s.schedule_id is null
                        or exists (select 1 from scans n where n.schedule_id = s.schedule_id and n.created_at > s.created_at
                                      and n.status in {scan:terminal}))
                 order by s.created_at limit :batch
                   for update of s skip locked)
            returning id
            """);
    private static final String PRUNE_DELIVERIES = StatusSql.expand("""
            delete from webhook_deliveries where id in (
                select id from webhook_deliveries where status <> {delivery:pending} and created_at < :before order by id limit :batch
                   for update skip locked)
            """);
    private static final String PRUNE_AUDIT = """
            delete from audit_log where id in (select id from audit_log where at < :before order by id limit :batch)
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final GatewayProperties.Retention settings;
    private final ReportLayout reports;
    private final MeterRegistry meters;

    RetentionSweeper(JdbcClient jdbc, Clock clock, GatewayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = properties.retention();
        this.reports = properties.reports().layout();
        this.meters = meters;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.every(registrar, meters, "pruning old data", settings.interval(), this::runOnce);
    }

    /** What one round removed. */
    public record Pruned(int scans, int auditEntries, int webhookDeliveries) {
    }

    /** Prunes everything past its age, batch after batch; answers how much went. */
    public Pruned runOnce() {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int scans = 0;
        if (!settings.scans().isZero()) {
            List<UUID> pruned;
            do {
                pruned = jdbc.sql(PRUNE_SCANS).param("before", now.minus(settings.scans())).param("batch", settings.batch())
                        .query(UUID.class).list();
                // why: the rows are gone (committed) before their files: a crash in between leaves only disk space
                pruned.forEach(this::deleteReports);
                scans += pruned.size();
            } while (pruned.size() == settings.batch());
        }
        int audit = 0;
        if (!settings.auditLog().isZero()) {
            int deleted;
            do {
                deleted = jdbc.sql(PRUNE_AUDIT).param("before", now.minus(settings.auditLog())).param("batch", settings.batch()).update();
                audit += deleted;
            } while (deleted == settings.batch());
        }
        int deliveries = 0;
        if (!settings.webhookDeliveries().isZero()) {
            int deleted;
            do {
                deleted = jdbc.sql(PRUNE_DELIVERIES).param("before", now.minus(settings.webhookDeliveries())).param("batch", settings.batch())
                        .update();
                deliveries += deleted;
            } while (deleted == settings.batch());
        }
        if (scans > 0 || audit > 0 || deliveries > 0) {
            log.info("Retention: pruned {} scan(s) older than {}, {} audit entries older than {}, {} webhook deliveries older than {}",
                    scans, settings.scans(), audit, settings.auditLog(), deliveries, settings.webhookDeliveries());
        }
        meters.counter("nubicustos.retention.pruned", "kind", "scans").increment(scans);
        meters.counter("nubicustos.retention.pruned", "kind", "audit_log").increment(audit);
        meters.counter("nubicustos.retention.pruned", "kind", "webhook_deliveries").increment(deliveries);
        return new Pruned(scans, audit, deliveries);
    }

    private void deleteReports(UUID scanId) {
        if (!SafeTree.delete(reports.scanDirectory(scanId))) {
            log.warn("Retention: could not delete every report file of scan {}; only disk space is left behind", scanId);
        }
    }

}
