package io.nubicustos.gateway.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to Kafka, oldest first. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}
 * inside one transaction that also marks them published, so any number of API instances can relay at
 * once and a row is marked only after the broker acknowledged it. If Kafka is down, the round ends,
 * the rows stay unpublished and the next round tries again; a duplicate publish (crash between the
 * send and the commit) is harmless because every consumer's first act is a guarded claim.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String CLAIM = """
            select id, topic, message_key, payload from outbox
            where published_at is null order by id limit :limit for update skip locked
            """;
    private static final String MARK_PUBLISHED = "update outbox set published_at = :now, attempts = attempts + 1 where id in (:ids)";
    private static final String MARK_FAILED = "update outbox set attempts = attempts + 1, last_error = :error where id = :id";
    private static final String BACKLOG = "select count(*) from outbox where published_at is null";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final GatewayProperties.Outbox settings;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, KafkaTemplate<String, String> kafka, GatewayProperties properties,
                Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.clock = clock;
        this.published = meters.counter("nubicustos.outbox.published");
        this.failures = meters.counter("nubicustos.outbox.publish.failures");
        Gauge.builder("nubicustos.outbox.backlog", this, OutboxRelay::backlog)
                .description("Outbox rows not yet published to Kafka").register(meters);
    }

    @Scheduled(fixedDelayString = "${nubicustos.outbox.poll-interval:500ms}")
    void scheduled() {
        try {
            while (relayOnce() == settings.batchSize()) {
                // a full batch: there may be more waiting
            }
        } catch (RuntimeException e) {
            log.warn("Outbox relay round failed ({}); unpublished rows stay in the outbox and the next round retries them",
                    e.toString());
        }
    }

    /** Publishes one batch; answers how many rows were published. */
    int relayOnce() {
        Integer count = tx.execute(status -> {
            List<Row> rows = jdbc.sql(CLAIM).param("limit", settings.batchSize())
                    .query((rs, n) -> new Row(rs.getLong("id"), rs.getString("topic"), rs.getString("message_key"),
                            rs.getString("payload"))).list();
            List<Long> done = new ArrayList<>();
            for (Row row : rows) {
                try {
                    kafka.send(row.topic(), row.key(), row.payload()).get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    done.add(row.id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    failures.increment();
                    jdbc.sql(MARK_FAILED).param("id", row.id()).param("error", String.valueOf(e.getMessage())).update();
                    log.warn("Could not publish outbox row {} to {} ({}); it stays unpublished and is retried next round",
                            row.id(), row.topic(), e.toString());
                    // why: keep order per round; later rows wait for the broker to come back
                    break;
                }
            }
            if (!done.isEmpty()) {
                jdbc.sql(MARK_PUBLISHED).param("ids", done).param("now", OffsetDateTime.now(clock)).update();
                published.increment(done.size());
            }
            return done.size();
        });
        return count == null ? 0 : count;
    }

    private double backlog() {
        try {
            return jdbc.sql(BACKLOG).query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private record Row(long id, String topic, String key, String payload) {
    }
}
