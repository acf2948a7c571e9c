package io.nubicustos.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.UUID;

/**
 * Which api-gateway instance exports the gauges computed from the database: one, however many run, so a series is not
 * exported twice and a dashboard's {@code sum} stays true. A lease row renewed on each refresh, stamped with the
 * database's clock (instances' clocks may disagree); it lapses after three refresh intervals, and another instance takes
 * over then, or at once when the holder stops cleanly. Every instance says whether it exports as
 * {@code nubicustos.gauges.exporter} (1 or 0), so "none exports" and "two export" can be alerted on.
 */
@Component
public class GaugeExporterElection {

    private static final Logger log = LoggerFactory.getLogger(GaugeExporterElection.class);

    private static final String CLAIM = """
            insert into gauge_exporter (id, holder, lease_until)
            values (1, :me, clock_timestamp() + :ttlMillis * interval '1 millisecond')
            on conflict (id) do update set holder = excluded.holder, lease_until = excluded.lease_until
             where gauge_exporter.holder = excluded.holder or gauge_exporter.lease_until < clock_timestamp()
            returning holder
            """;
    private static final String RELEASE = "update gauge_exporter set lease_until = clock_timestamp() - interval '1 millisecond' where holder = :me";

    private final JdbcClient jdbc;
    private final String me = UUID.randomUUID().toString();
    private final Duration ttl;
    private volatile boolean exporting;
    /** System.nanoTime() past which this instance stops saying it exports, should its renewals stop coming. */
    private volatile long exportingUntil;
    private volatile boolean failing;

    GaugeExporterElection(JdbcClient jdbc, GatewayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.ttl = properties.metrics().fleetInterval().multipliedBy(3);
        Gauge.builder("nubicustos.gauges.exporter", this, election -> election.exporting() ? 1 : 0)
                .description("1 on the api-gateway instance that exports the gauges computed from the database, 0 on the others")
                .register(meters);
    }

    /** Takes or keeps the lease; false (and no gauges from here) when another instance holds it or the database is away. */
    public boolean renew() {
        long asked = System.nanoTime();
        boolean now;
        try {
            now = jdbc.sql(CLAIM).param("me", me).param("ttlMillis", ttl.toMillis()).query(String.class).optional().isPresent();
            if (failing) {
                log.info("The gauge exporter lease can be renewed again");
            }
            failing = false;
        } catch (RuntimeException e) {
            // why: values this instance cannot refresh are not exported; another instance that reaches the database takes over
            if (!failing) {
                log.warn("The gauge exporter lease could not be renewed ({}); this instance exports no database gauges until it can",
                        e.toString());
            }
            failing = true;
            now = false;
        }
        if (now != exporting) {
            log.info(now ? "This instance exports the database gauges now" : "This instance no longer exports the database gauges");
        }
        // why: measured from before the statement, with a margin, on this JVM's monotonic clock: the lease may lapse in the
        // database while this instance is slow, and another then exports; this one must have stopped saying so by then
        exportingUntil = asked + ttl.minus(ttl.dividedBy(3)).toNanos();
        exporting = now;
        return now;
    }

    /** Whether this instance holds the lease: it did at its last renewal, and that renewal is recent enough to still hold. */
    public boolean exporting() {
        return exporting && System.nanoTime() - exportingUntil < 0;
    }

    @PreDestroy
    void release() {
        if (exporting()) {
            exporting = false;
            try {
                jdbc.sql(RELEASE).param("me", me).update();
            } catch (RuntimeException e) {
                log.debug("The gauge exporter lease was not released ({}); it lapses by itself", e.toString());
            }
        }
    }
}
