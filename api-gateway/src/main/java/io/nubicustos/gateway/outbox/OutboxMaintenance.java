package io.nubicustos.gateway.outbox;

import io.nubicustos.support.loop.PeriodicTasks;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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
    private final AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());

    private final MeterRegistry meters;

    OutboxMaintenance(JdbcClient jdbc, GatewayProperties properties, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.jdbc = jdbc;
        this.settings = properties.outbox();
        this.clock = clock;
        Gauge.builder("nubicustos.outbox.backlog", () -> value("backlog"))
                .description("Outbox rows not yet published to Kafka (parked rows excluded)").register(meters);
        Gauge.builder("nubicustos.outbox.parked.rows", () -> value("parked"))
                .description("Outbox rows the broker refused too often; they are kept with their error and not retried").register(meters);
        Gauge.builder("nubicustos.outbox.oldest.age", () -> value("oldest_seconds")).baseUnit("seconds")
                .description("Age of the oldest unpublished outbox row").register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.everyFromStart(registrar, meters, "refreshing the outbox gauges", settings.gaugeInterval(), this::refreshGauges);
        PeriodicTasks.every(registrar, meters, "purging published outbox rows", settings.purgeInterval(), this::purgeOnce);
    }

    void refreshGauges() {
        try {
            last.set(jdbc.sql(GAUGES).param("now", OffsetDateTime.now(clock)).query().singleRow());
        } catch (RuntimeException e) {
            last.set(Map.of());
            log.debug("Outbox gauges not refreshed ({})", e.toString());
        }
    }

    private double value(String key) {
        Object value = last.get().get(key);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
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
