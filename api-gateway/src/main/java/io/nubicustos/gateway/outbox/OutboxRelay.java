package io.nubicustos.gateway.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows to Kafka, oldest first. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}
 * inside one transaction that also marks them published, so any number of API instances can relay at
 * once and a row is marked only after the broker acknowledged it. A duplicate publish (crash between
 * the send and the commit) is harmless because every consumer's first act is a guarded claim.
 * <ul>
 *   <li>The broker is unreachable: the round ends, the rows stay as they are, the next round tries again.</li>
 *   <li>The broker refuses one record (too large, no such topic, not allowed): that row is retried after a
 *       growing back-off and, after {@code max-attempts}, parked with its error; the rows behind it are
 *       published meanwhile.</li>
 * </ul>
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String CLAIM = """
            select id, topic, message_key, payload, attempts from outbox
             where published_at is null and parked_at is null and (next_attempt_at is null or next_attempt_at <= :now)
             order by id limit :limit for update skip locked
            """;
    private static final String MARK_PUBLISHED = "update outbox set published_at = :now, attempts = attempts + 1 where id in (:ids)";
    private static final String MARK_REFUSED = """
            update outbox set attempts = attempts + 1, last_error = :error, next_attempt_at = :retryAt,
                   parked_at = case when attempts + 1 >= :maxAttempts then :now end
             where id = :id
            """;
    private static final String MARK_UNREACHABLE = "update outbox set last_error = :error where id = :id";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final GatewayProperties.Outbox settings;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;
    private final Counter parked;

    OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, KafkaTemplate<String, String> kafka, GatewayProperties properties,
                Clock clock, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.clock = clock;
        this.published = meters.counter("nubicustos.outbox.published");
        this.failures = meters.counter("nubicustos.outbox.publish.failures");
        this.parked = meters.counter("nubicustos.outbox.parked");
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

    /** Publishes one batch; answers how many rows were claimed (published, refused or left for later). */
    int relayOnce() {
        Integer count = tx.execute(status -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            List<Row> rows = jdbc.sql(CLAIM).param("limit", settings.batchSize()).param("now", now)
                    .query((rs, n) -> new Row(rs.getLong("id"), rs.getString("topic"), rs.getString("message_key"),
                            rs.getString("payload"), rs.getInt("attempts"))).list();
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
                    if (brokerUnreachable(e)) {
                        jdbc.sql(MARK_UNREACHABLE).param("id", row.id()).param("error", String.valueOf(e.getMessage())).update();
                        log.warn("Could not publish outbox row {} to {} ({}); the broker seems unreachable, the row stays unpublished"
                                + " and this round ends", row.id(), row.topic(), e.toString());
                        break;
                    }
                    refused(row, e, now);
                }
            }
            if (!done.isEmpty()) {
                jdbc.sql(MARK_PUBLISHED).param("ids", done).param("now", now).update();
                published.increment(done.size());
            }
            return rows.size();
        });
        return count == null ? 0 : count;
    }

    private void refused(Row row, Exception e, OffsetDateTime now) {
        int attempt = row.attempts() + 1;
        Duration backoff = settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        jdbc.sql(MARK_REFUSED).param("id", row.id()).param("error", rootCause(e).toString())
                .param("retryAt", now.plus(backoff)).param("maxAttempts", settings.maxAttempts()).param("now", now).update();
        if (attempt >= settings.maxAttempts()) {
            parked.increment();
            log.error("Outbox row {} to {} was refused {} times ({}); it is parked and will not be retried. The rows behind it"
                    + " were published. Inspect it with: select * from outbox where parked_at is not null", row.id(), row.topic(),
                    attempt, rootCause(e).toString());
        } else {
            log.warn("The broker refused outbox row {} to {} ({}); retrying in {} (attempt {} of {})", row.id(), row.topic(),
                    rootCause(e).toString(), backoff, attempt, settings.maxAttempts());
        }
    }

    /** A timeout or a retriable broker error says nothing about the record itself: the broker is down or busy. */
    static boolean brokerUnreachable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof java.util.concurrent.TimeoutException || e instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private record Row(long id, String topic, String key, String payload, int attempts) {
    }
}
