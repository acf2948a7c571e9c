package io.nubicustos.gateway.webhook;

import io.nubicustos.support.loop.DaemonThreads;
import io.nubicustos.support.time.Backoff;
import io.nubicustos.model.messaging.DeliveryStatus;
import io.nubicustos.model.messaging.DeliveryTransitions;
import io.nubicustos.model.lifecycle.StatusSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.net.URI;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.util.Timeout;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Posts due webhook deliveries, on a thread of its own. A round claims a batch ({@code for update skip locked}, so any
 * number of API instances share the work) and moves each row's next attempt past the request timeout in the same
 * statement: the row is then this instance's while the request is in flight, and nobody's transaction stays open
 * across HTTP. Each answer is written to the delivery log; a 2xx delivers, anything else (a refused connection, a
 * timeout, a 500) is tried again after a back-off that doubles (up to {@code max-backoff}), up to {@code max-attempts},
 * then the delivery is {@code failed}. A receiver on a loopback, link-local or private address is refused unless the
 * installation allows it ({@link ReceiverAddresses}). An instance that dies mid-request leaves the row to be claimed again once its claim runs out: a
 * receiver may see an event twice, with the same {@code webhook-id}.
 */
@Component
class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private static final String CLAIM = StatusSql.expand("""
            with due as (
                select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id
                 where d.status = {delivery:pending} and d.next_attempt_at <= :now and w.enabled
                   and not (w.id = any(cast(cast(:excluded as text) as uuid[])))
                 order by d.next_attempt_at, d.id limit :batch
                   for update of d skip locked)
            update webhook_deliveries d set next_attempt_at = :claimUntil
              from due, webhooks w
             where d.id = due.id and w.id = d.webhook_id
            returning d.id, d.event_id, d.payload, d.attempts, w.id as webhook_id, w.url, w.secret, w.format
            """);
    // why: a delivery claimed beyond its receiver's share goes back at once, due as it was
    private static final String PUT_BACK = StatusSql.expand("update webhook_deliveries set next_attempt_at = :now where id = :id and status = {delivery:pending}");
    /** Requests in flight to one receiver at once: one slow receiver holds two slots of this instance, never all. */
    static final int PER_RECEIVER = 2;
    private static final String ATTEMPT = """
            insert into webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)
            select d.id, cast(:attempt as int), cast(:now as timestamptz), cast(:statusCode as int), cast(:error as text),
                   cast(:durationMs as bigint)
              from webhook_deliveries d where d.id = :id
            on conflict do nothing
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final GatewayProperties.Webhooks settings;
    private final MeterRegistry meters;
    private final CloseableHttpAsyncClient http;
    private final java.util.concurrent.ExecutorService recorder = Executors.newFixedThreadPool(2, DaemonThreads.named("webhook-recorder"));
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<java.util.UUID, java.util.concurrent.atomic.AtomicInteger> inFlightByReceiver =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<java.util.UUID, java.time.Instant> coolingUntil = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("webhook-sender"));

    WebhookSender(JdbcClient jdbc, ObjectMapper json, Clock clock, GatewayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.settings = properties.webhooks();
        this.meters = meters;
        var connections = PoolingAsyncClientConnectionManagerBuilder.create()
                // why: receivers share a host (a Slack or SIEM endpoint): the per-receiver cap is ours, the pool's per host is the whole
                .setMaxConnTotal(settings.maxInFlight()).setMaxConnPerRoute(settings.maxInFlight())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.of(settings.connectTimeout()))
                        .setSocketTimeout(Timeout.of(settings.requestTimeout())).build());
        if (!settings.allowPrivateAddresses()) {
            // why: the addresses checked are the addresses connected to; the name is never resolved a second time
            connections.setDnsResolver(ReceiverAddresses.pinned());
        }
        // why: a receiver's redirect is not followed: the signature is for the URL the subscription names
        this.http = HttpAsyncClients.custom().setConnectionManager(connections.build()).disableRedirectHandling()
                .disableAutomaticRetries().disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(settings.requestTimeout()))
                        .setConnectionRequestTimeout(Timeout.of(settings.connectTimeout())).build())
                .build();
        this.http.start();
    }

    @PostConstruct
    void start() {
        thread.scheduleWithFixedDelay(this::round, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
        http.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
        recorder.shutdown();
    }

    /** Sends due deliveries while there is room in flight; the schedule runs it again after the poll interval. */
    private void round() {
        try {
            while (!thread.isShutdown() && sendOnce() > 0) {
                // room left and deliveries due: the next ones at once
            }
        } catch (RuntimeException e) {
            log.warn("A webhook round failed ({}); the deliveries stay pending and are sent next round", e.toString());
        }
    }

    private record Due(long id, String eventId, String payload, int attempts, java.util.UUID webhookId, String url, String secret,
                       String format) {
    }

    /** @param isFinal no further attempt can help (the receiver's address is refused) */
    private record Answer(Integer statusCode, String error, long durationMs, boolean isFinal) {
        Answer(Integer statusCode, String error, long durationMs) {
            this(statusCode, error, durationMs, false);
        }

        boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }
    }

    /**
     * Claims due deliveries ({@code batch} at a time) while there is room in flight ({@code max-in-flight}), at most
     * {@link #PER_RECEIVER} per receiver and none of a receiver cooling after a failure, and sends them without waiting:
     * each is recorded when its answer comes. So 400 dead receivers hold at most their slots, and a live receiver's
     * deliveries go out in the next round, not after every dead one has timed out. Answers how many it sent.
     */
    int sendOnce() {
        int room = Math.min(settings.batch(), settings.maxInFlight() - inFlight.get());
        if (room <= 0) {
            return 0;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        java.time.Instant instant = now.toInstant();
        coolingUntil.values().removeIf(until -> !until.isAfter(instant));
        java.util.Set<java.util.UUID> excluded = new java.util.HashSet<>(coolingUntil.keySet());
        inFlightByReceiver.forEach((hook, count) -> {
            if (count.get() >= PER_RECEIVER) {
                excluded.add(hook);
            }
        });
        Duration claim = settings.connectTimeout().plus(settings.requestTimeout()).plusSeconds(30);
        List<Due> due = jdbc.sql(CLAIM).param("now", now).param("claimUntil", now.plus(claim)).param("batch", room)
                .param("excluded", "{" + String.join(",", excluded.stream().map(java.util.UUID::toString).toList()) + "}")
                .query((rs, n) -> new Due(rs.getLong("id"), rs.getString("event_id"), rs.getString("payload"), rs.getInt("attempts"),
                        rs.getObject("webhook_id", java.util.UUID.class), rs.getString("url"), rs.getString("secret"),
                        rs.getString("format"))).list();
        int sent = 0;
        for (Due delivery : due) {
            java.util.concurrent.atomic.AtomicInteger receiver = inFlightByReceiver.computeIfAbsent(delivery.webhookId(),
                    k -> new java.util.concurrent.atomic.AtomicInteger());
            if (receiver.incrementAndGet() > PER_RECEIVER) {
                receiver.decrementAndGet();
                jdbc.sql(PUT_BACK).param("id", delivery.id()).param("now", now).update();
                continue;
            }
            inFlight.incrementAndGet();
            sent++;
            send(delivery).thenAccept(answer -> {
                if (!answer.delivered()) {
                    // why: a receiver that failed waits out its delivery's back-off (doubling) before any of its other
                    // deliveries is tried, so dead receivers are tried ever more rarely and hold no slots meanwhile
                    coolingUntil.put(delivery.webhookId(), clock.instant().plus(backoff(delivery.attempts() + 1)));
                }
                record(delivery, answer);
            }).whenComplete((done, failure) -> {
                receiver.decrementAndGet();
                inFlight.decrementAndGet();
                if (failure != null) {
                    log.warn("Webhook delivery {} could not be recorded ({}); it is sent again when its claim runs out", delivery.id(),
                            failure.toString());
                }
            });
        }
        return sent;
    }

    private CompletableFuture<Answer> send(Due delivery) {
        long started = System.nanoTime();
        try {
            String refused = settings.allowPrivateAddresses() ? null : ReceiverAddresses.refusal(URI.create(delivery.url()));
            if (refused != null) {
                return CompletableFuture.completedFuture(new Answer(null, refused, elapsed(started), true));
            }
            byte[] body;
            String contentType;
            if ("slack".equals(delivery.format())) {
                body = json.writeValueAsBytes(SlackMessage.of(json.readTree(delivery.payload())));
                contentType = "application/json";
            } else {
                // the CloudEvents HTTP binding's structured mode: the whole event is the body
                body = delivery.payload().getBytes(StandardCharsets.UTF_8);
                contentType = "application/cloudevents+json; charset=utf-8";
            }
            long timestamp = clock.instant().getEpochSecond();
            SimpleHttpRequest request = SimpleRequestBuilder.post(URI.create(delivery.url()))
                    .setHeader("User-Agent", "nubicustos-webhooks")
                    .setHeader(WebhookSignature.ID, delivery.eventId()).setHeader(WebhookSignature.TIMESTAMP, Long.toString(timestamp))
                    .setHeader(WebhookSignature.SIGNATURE, WebhookSignature.sign(delivery.secret(), delivery.eventId(), timestamp, body))
                    .setBody(body, ContentType.parse(contentType)).build();
            CompletableFuture<Message<HttpResponse, Void>> answered = new CompletableFuture<>();
            // why: the receiver's body is read and thrown away, never held: a receiver cannot fill this instance's memory
            http.execute(SimpleRequestProducer.create(request), new BasicResponseConsumer<Void>(new DiscardingEntityConsumer<Void>()),
                    new FutureCallback<Message<HttpResponse, Void>>() {
                        @Override
                        public void completed(Message<HttpResponse, Void> result) {
                            answered.complete(result);
                        }

                        @Override
                        public void failed(Exception e) {
                            answered.completeExceptionally(e);
                        }

                        @Override
                        public void cancelled() {
                            answered.completeExceptionally(new java.util.concurrent.CancellationException("the request was cancelled"));
                        }
                    });
            // why: the response timeout covers silences only; a receiver that trickles its answer would hold the slot
            // why: the answer is recorded off the client's I/O threads (a database write must never hold them)
            return answered.orTimeout(settings.requestTimeout().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS)
                    .handleAsync((response, failure) -> {
                        if (failure != null) {
                            return new Answer(null, describe(failure), elapsed(started));
                        }
                        int code = response.getHead().getCode();
                        return new Answer(code, code / 100 == 2 ? null : "the receiver answered " + code, elapsed(started));
                    }, recorder);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new Answer(null, describe(e), elapsed(started)));
        }
    }

    /** The wait after a delivery's {@code attempt}-th failed attempt: the back-off doubled each time, up to its ceiling. */
    private Duration backoff(int attempt) {
        return new Backoff(settings.retryBackoff(), settings.maxBackoff()).after(attempt);
    }

    private void record(Due delivery, Answer answer) {
        int attempt = delivery.attempts() + 1;
        OffsetDateTime now = OffsetDateTime.now(clock);
        Duration backoff = backoff(attempt);
        try {
            jdbc.sql(ATTEMPT).param("id", delivery.id()).param("attempt", attempt).param("now", now).param("statusCode", answer.statusCode())
                    .param("error", answer.error()).param("durationMs", answer.durationMs()).update();
            jdbc.sql(DeliveryTransitions.ATTEMPTED.sql()).param("id", delivery.id()).param("attempt", attempt).param("delivered", answer.delivered())
                    .param("maxAttempts", settings.maxAttempts()).param("final", answer.isFinal()).param("now", now).param("retryAt", now.plus(backoff))
                    .param("error", answer.error()).update();
        } catch (RuntimeException e) {
            log.warn("The outcome of webhook delivery {} could not be recorded ({}); it is sent again when its claim runs out",
                    delivery.id(), e.toString());
            return;
        }
        String outcome = answer.delivered() ? DeliveryStatus.DELIVERED.db()
                : attempt >= settings.maxAttempts() || answer.isFinal() ? DeliveryStatus.FAILED.db() : "retry";
        meters.counter("nubicustos.webhook.deliveries", "outcome", outcome).increment();
        if (!answer.delivered()) {
            log.warn("Webhook delivery {} to {} failed (attempt {} of {}): {}{}", delivery.id(), hostOf(delivery.url()), attempt,
                    settings.maxAttempts(), answer.error(), outcome.equals(DeliveryStatus.FAILED.db()) ? "; no attempt is left" : "; retrying in " + backoff);
        }
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return message.length() > 500 ? message.substring(0, 500) : message;
    }

    /** The receiver's host only: a URL may carry a token in its path or query, which does not belong in a log. */
    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "(invalid URL)";
        }
    }
}
