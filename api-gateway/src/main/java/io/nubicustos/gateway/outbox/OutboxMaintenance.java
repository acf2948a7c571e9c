package io.nubicustos.gateway.outbox;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nubicustos.gateway.metrics.GaugeExporterElection;
import java.util.List;
import io.nubicustos.support.loop.PeriodicTasks;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * The outbox's upkeep: its gauges (backlog, parked rows, age of the oldest unpublished row), read by
 * one query on a timer rather than on every scrape, and the purge of published rows past their
 * retention, in batches so it never holds long locks.
 */
@Component
class OutboxMaintenance implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OutboxMaintenance.class);
    static final int PURGE_BATCH = 5_000;

    private static final String GAUGES = """
            select count(*) filter (where parked_at is null) as backlog,
                   count(*) filter (where parked_at is not null) as parked,
                   coalesce(extract(epoch from (:now - min(created_at) filter (where parked_at is null))), 0) as oldest_seconds
              from outbox where published_at is null
            """;
    private static final String PURGE = """
            delete from outbox where id in (
                select id from outbox where published_at < :before order by published_at limit :limit)
            """;

    private final JdbcClient jdbc;
    private final GatewayProperties.Outbox settings;
    private final Clock clock;

    private final MeterRegistry meters;

    private final GaugeExporterElection election;
    private final Map<String, MultiGauge> gauges = new java.util.LinkedHashMap<>();

    OutboxMaintenance(JdbcClient jdbc, GatewayProperties properties, Clock clock, MeterRegistry meters, GaugeExporterElection election) {
        this.election = election;
        this.meters = meters;
        this.jdbc = jdbc;
        this.settings = properties.outbox();
        this.clock = clock;
        // why: multi-gauges, so an instance that does not export the database gauges (GaugeExporterElection) shows none
        gauges.put("backlog", MultiGauge.builder("nubicustos.outbox.backlog")
                .description("Outbox rows not yet published to Kafka (parked rows excluded)").register(meters));
        gauges.put("parked", MultiGauge.builder("nubicustos.outbox.parked.rows")
                .description("Outbox rows the broker refused too often; they are kept with their error and not retried").register(meters));
        gauges.put("oldest_seconds", MultiGauge.builder("nubicustos.outbox.oldest.age").baseUnit("seconds")
                .description("Age of the oldest unpublished outbox row").register(meters));
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.everyFromStart(registrar, meters, "refreshing the outbox gauges", settings.gaugeInterval(), this::refreshGauges);
        PeriodicTasks.every(registrar, meters, "purging published outbox rows", settings.purgeInterval(), this::purgeOnce);
    }

    /** Exported only by the instance that exports the database gauges; a failed query counts as a failure of the task. */
    void refreshGauges() {
        if (!election.exporting()) {
            gauges.values().forEach(gauge -> gauge.register(List.of(), true));
            return;
        }
        Map<String, Object> row = jdbc.sql(GAUGES).param("now", OffsetDateTime.now(clock)).query().singleRow();
        gauges.forEach((key, gauge) -> gauge.register(row.get(key) instanceof Number n
                ? List.of(MultiGauge.Row.of(Tags.empty(), n.doubleValue())) : List.of(), true));
    }

    /** Deletes published rows older than the retention, batch by batch; answers how many. */
    long purgeOnce() {
        OffsetDateTime before = OffsetDateTime.now(clock).minus(settings.retention());
        long total = 0;
        int deleted;
        do {
            deleted = jdbc.sql(PURGE).param("before", before).param("limit", PURGE_BATCH).update();
            total += deleted;
        } while (deleted == PURGE_BATCH);
        if (total > 0) {
            log.info("Purged {} published outbox row(s) older than {}", total, settings.retention());
        }
        return total;
    }
}
