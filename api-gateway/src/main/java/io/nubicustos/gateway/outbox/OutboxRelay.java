package io.nubicustos.gateway.outbox;

import io.nubicustos.support.tracing.StoredTraces;
import io.nubicustos.support.loop.DaemonThreads;
import io.nubicustos.support.time.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.nubicustos.model.messaging.Topics;
import java.nio.charset.StandardCharsets;

/**
 * Publishes outbox rows to Kafka, oldest first, on a thread of its own, woken the moment a transaction
 * that wrote outbox rows commits ({@link OutboxWakeup} in this process, {@link OutboxNotifications} for other
 * processes); the poll interval is only the safety net. A batch is claimed with
 * {@code FOR UPDATE SKIP LOCKED} in one transaction that sends every row of it (the sends in flight
 * together) and marks the ones the broker acknowledged, so any number of API instances can relay at once
 * and a row is marked only after the broker acknowledged it. A duplicate publish (crash between the send
 * and the commit) is harmless because every consumer's first act is a guarded claim.
 * <ul>
 *   <li>Every send of the batch failed for a reason that says nothing about the records (timeouts) and the
 *       broker does not answer a probe: it is away; nothing is counted and the next round tries again.</li>
 *   <li>The broker took some rows and refused others (too large, no such topic, not allowed): each refused
 *       row is retried after a growing back-off and, after {@code max-attempts}, parked with its error; the
 *       rows behind it are published meanwhile.</li>
 * </ul>
 * Rows of one key are sent in order; a row that is retried may be overtaken by a later row of its key
 * (each key has one row in practice: one step command per step, one lifecycle event per scan).
 */
@Component
class OutboxRelay {

    private static final byte[] CLOUDEVENTS_JSON = "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8);

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String CLAIM = """
            select id, topic, message_key, payload, attempts, trace_parent from outbox
             where published_at is null and parked_at is null and (next_attempt_at is null or next_attempt_at <= :now)
             order by id limit :limit for update skip locked
            """;
    // why: one array parameter, so the statement is the same (prepared once) whatever the batch's size
    private static final String MARK_PUBLISHED = "update outbox set published_at = :now, attempts = attempts + 1 where id = any(:ids)";
    private static final String MARK_REFUSED = """
            update outbox set attempts = attempts + 1, last_error = :error, next_attempt_at = :retryAt,
                   parked_at = case when attempts + 1 >= :maxAttempts then :now end
             where id = :id
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KafkaTemplate<String, String> kafka;
    private final BrokerProbe broker;
    private final GatewayProperties.Outbox settings;
    private final Clock clock;
    private final Counter published;
    private final Counter failures;
    private final Counter parked;
    /** Rounds that found the broker away (nothing counted against the rows): how long an outage has been lived through. */
    private final Counter brokerAway;
    private final OutboxWakeup wakeups;
    private volatile boolean stopped;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("outbox-relay"));

    OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, KafkaTemplate<String, String> kafka, BrokerProbe broker,
                OutboxWakeup wakeups, GatewayProperties properties, Clock clock, MeterRegistry meters) {
        this.broker = broker;
        this.wakeups = wakeups;
        this.jdbc = jdbc;
        this.tx = tx;
        this.kafka = kafka;
        this.settings = properties.outbox();
        this.clock = clock;
        this.published = meters.counter("nubicustos.outbox.published");
        this.failures = meters.counter("nubicustos.outbox.publish.failures");
        this.parked = meters.counter("nubicustos.outbox.parked");
        this.brokerAway = meters.counter("nubicustos.outbox.broker.away");
    }

    @PostConstruct
    void start() {
        thread.execute(this::loop);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        wakeups.wake();
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Relays until the outbox is drained, then waits for a commit's wake-up (or the poll interval), and again. */
    private void loop() {
        while (!stopped) {
            try {
                // why: a batch at least half full means a backlog: look again at once, so that a batch cut short (a slow
                // send) does not cap a burst at one batch per poll; smaller batches wait for the next commit's wake-up,
                // which gathers the rows of many accepts into one round instead of spinning on one row at a time
                // (measured: spinning cost intake a quarter of its throughput and 14 ms of p99)
                while (relayOnce() >= Math.max(1, settings.batchSize() / 2)) {
                    // a backlog: look again at once
                }
            } catch (RuntimeException e) {
                log.warn("Outbox relay round failed ({}); unpublished rows stay in the outbox and the next round retries them",
                        e.toString());
            }
            try {
                wakeups.await(settings.pollInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Publishes one batch; answers how many rows the broker acknowledged. */
    int relayOnce() {
        Integer count = tx.execute(status -> {
            OffsetDateTime now = OffsetDateTime.now(clock);
            List<Row> rows = jdbc.sql(CLAIM).param("limit", settings.batchSize()).param("now", now)
                    .query((rs, n) -> new Row(rs.getLong("id"), rs.getString("topic"), rs.getString("message_key"),
                            rs.getString("payload"), rs.getInt("attempts"), rs.getString("trace_parent"))).list();
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<SendResult<String, String>>> sends = new ArrayList<>(rows.size());
            for (Row row : rows) {
                CompletableFuture<SendResult<String, String>> sent = send(row);
                sends.add(sent);
                if (sent.isCompletedExceptionally() && saysNothingAboutTheRecord(failureOf(sent))) {
                    // why: a send that failed at once (after blocking for metadata) means the broker is away or the topic
                    // is; the rest of the batch waits for the next round instead of blocking as long again, one by one
                    break;
                }
            }
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            List<Long> done = new ArrayList<>();
            List<Failed> refused = new ArrayList<>();
            int unreachable = 0;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    done.add(rows.get(i).id());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    failures.increment();
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    if (saysNothingAboutTheRecord(cause)) {
                        unreachable++;
                    }
                    refused.add(new Failed(rows.get(i), cause));
                }
            }
            if (!done.isEmpty()) {
                jdbc.sql(MARK_PUBLISHED).param("ids", done.toArray(Long[]::new)).param("now", now).update();
                published.increment(done.size());
            }
            if (done.isEmpty() && unreachable == refused.size() && !refused.isEmpty() && !broker.brokerAnswers()) {
                log.warn("Could not publish {} outbox row(s) ({}); the broker seems unreachable, the rows stay unpublished and are"
                        + " retried next round", refused.size(), rootCause(refused.get(0).cause()).toString());
                brokerAway.increment();
                return 0;
            }
            for (Failed failed : refused) {
                refused(failed.row(), failed.cause(), now);
            }
            return done.size();
        });
        return count == null ? 0 : count;
    }

    private CompletableFuture<SendResult<String, String>> send(Row row) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
            // why: the trace of the work that wrote the row, as the W3C header, so a consumer continues it; set from the row
            // rather than through a span and the template's observation, which cost the relay's hot path about half its rate
            String traceparent = StoredTraces.valid(row.traceParent());
            if (traceparent != null) {
                record.headers().add(StoredTraces.HEADER, traceparent.getBytes(StandardCharsets.US_ASCII));
            }
            if (Topics.SCAN_EVENTS.equals(row.topic())) {
                // why: the CloudEvents Kafka binding reads a structured-mode event only with this content type
                record.headers().add("content-type", CLOUDEVENTS_JSON);
            }
            return kafka.send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable failureOf(CompletableFuture<?> failed) {
        try {
            failed.getNow(null);
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    private void refused(Row row, Throwable e, OffsetDateTime now) {
        int attempt = row.attempts() + 1;
        Duration backoff = Backoff.doubling(settings.retryBackoff()).after(attempt);
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

    /** A timeout or a retriable broker error says nothing about the record itself. */
    static boolean saysNothingAboutTheRecord(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof TimeoutException || e instanceof RetriableException) {
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

    private record Row(long id, String topic, String key, String payload, int attempts, String traceParent) {
    }

    private record Failed(Row row, Throwable cause) {
    }
}
