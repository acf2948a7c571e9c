package io.nubicustos.gateway.webhook;

import com.sun.net.httpserver.HttpServer;
import io.nubicustos.model.messaging.ScanEvents;
import io.nubicustos.model.messaging.WebhookFanout;
import io.nubicustos.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks against a real HTTP receiver this test starts on loopback: deliveries are signed CloudEvents (or Slack
 * bodies) whose signature verifies, a receiver that fails is tried again with back-off until it answers, and every
 * attempt is in the delivery log with the receiver's answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.webhooks.poll-interval=100ms", "nubicustos.webhooks.retry-backoff=200ms", "nubicustos.webhooks.max-attempts=4",
        // why: a receiver that never answers holds its request this long: longer than any wait of these tests
        "nubicustos.webhooks.request-timeout=120s",
        // why: the receiver is on loopback, which installations refuse by default
        "nubicustos.webhooks.allow-private-addresses=true"})
@RealInfrastructure
class WebhookIntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Queue<Integer> answers = new ConcurrentLinkedQueue<>();
    final HttpClient http = HttpClient.newHttpClient();

    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            Integer answer = answers.poll();
            exchange.sendResponseHeaders(answer == null ? 204 : answer, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
        jdbc.sql("delete from webhooks").update();
    }

    @Test
    void aSettledScanReachesTheReceiverAsASignedCloudEventWhoseSignatureVerifies() throws Exception {
        JsonNode created = call("POST", "/api/webhooks", """
                {"url": "%s/completed", "event_types": ["scan.completed", "scan.failed"], "description": "SOC pipeline"}""".formatted(receiverUrl()), 201);
        String secret = created.get("secret").asString();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
        String id = created.get("webhook_id").asString();
        assertThat(call("GET", "/api/webhooks/" + id, null, 200).get("secret").isNull()).as("shown once, when created").isTrue();

        UUID scan = scan("completed");
        Map<String, Object> event = ScanEvents.settled(scan, "completed", "/nubicustos/report-processor", OffsetDateTime.now(ZoneOffset.UTC),
                Map.of("profile", "quick", "findings", Map.of("total", 2, "critical", 1)));
        // what the report-processor writes in the transaction that settles the scan
        jdbc.sql(WebhookFanout.INSERT).param("eventId", event.get("id")).param("eventType", "scan.completed").param("scanId", scan)
                .param("payload", JSON.writeValueAsString(event)).param("now", OffsetDateTime.now()).param("severityRank", 0).update();

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        Received delivery = received.get(0);
        assertThat(delivery.path()).isEqualTo("/completed");
        assertThat(delivery.header("Content-Type")).startsWith("application/cloudevents+json");
        assertThat(delivery.header("webhook-id")).isEqualTo(event.get("id"));
        assertThat(WebhookSignature.verify(secret, delivery.header("webhook-id"), delivery.header("webhook-timestamp"),
                delivery.header("webhook-signature"), delivery.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        byte[] tampered = new String(delivery.body(), StandardCharsets.UTF_8).replace("\"critical\":1", "\"critical\":0").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(delivery.body());
        assertThat(WebhookSignature.verify(secret, delivery.header("webhook-id"), delivery.header("webhook-timestamp"),
                delivery.header("webhook-signature"), tampered, Instant.now(), Duration.ofMinutes(5))).as("a changed body").isFalse();
        assertThat(WebhookSignature.verify(secret, delivery.header("webhook-id"), delivery.header("webhook-timestamp"),
                delivery.header("webhook-signature"), delivery.body(), Instant.now().plus(Duration.ofHours(1)), Duration.ofMinutes(5)))
                .as("a replay an hour later").isFalse();
        JsonNode cloudEvent = JSON.readTree(delivery.body());
        assertThat(cloudEvent.get("specversion").asString()).isEqualTo("1.0");
        assertThat(cloudEvent.get("type").asString()).isEqualTo("io.nubicustos.scan.completed");
        assertThat(cloudEvent.at("/data/scan_id").asString()).isEqualTo(scan.toString());

        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                call("GET", "/api/webhooks/" + id + "/deliveries", null, 200).at("/deliveries/0/status").asString()));
        JsonNode log = call("GET", "/api/webhooks/" + id + "/deliveries", null, 200);
        assertThat(log.at("/deliveries/0/attempts").asInt()).isEqualTo(1);
        assertThat(log.at("/deliveries/0/log/0/status_code").asInt()).isEqualTo(204);
        assertThat(log.at("/deliveries/0/event_type").asString()).isEqualTo("scan.completed");
    }

    @Test
    void deadReceiversDoNotHoldBackALiveOne() throws Exception {
        // why: receivers that accept and never answer each hold a request until its timeout (120 s here); one sender thread
        // that waited for its whole batch used to deliver the live receiver's event only after all of them timed out
        try (java.net.ServerSocket dead = new java.net.ServerSocket(0, 200, java.net.InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 30; i++) {
                call("POST", "/api/webhooks", """
                        {"url": "http://127.0.0.1:%d/dead-%d", "event_types": ["scan.completed"]}""".formatted(dead.getLocalPort(), i), 201);
            }
            call("POST", "/api/webhooks", """
                    {"url": "%s/live", "event_types": ["scan.completed"]}""".formatted(receiverUrl()), 201);
            UUID scan = scan("completed");
            Map<String, Object> event = ScanEvents.settled(scan, "completed", "/nubicustos/report-processor", OffsetDateTime.now(ZoneOffset.UTC),
                    Map.of("profile", "quick", "findings", Map.of("total", 0)));
            jdbc.sql(WebhookFanout.INSERT).param("eventId", event.get("id")).param("eventType", "scan.completed").param("scanId", scan)
                    .param("payload", JSON.writeValueAsString(event)).param("now", OffsetDateTime.now()).param("severityRank", 0).update();

            // while every dead receiver's request is still open (none can have timed out before 120 s)
            await().atMost(Duration.ofSeconds(60)).until(() -> received.stream().anyMatch(r -> r.path().equals("/live")));
        } finally {
            jdbc.sql("delete from webhooks").update();
        }
    }

    @Test
    void aReceiverThatAnswers500TwiceGetsTheEventOnTheThirdTryWithTheSameId() throws Exception {
        answers.addAll(List.of(500, 500));
        String id = call("POST", "/api/webhooks", """
                {"url": "%s/flaky", "event_types": ["scan.cancelled"], "secret": "correct horse battery staple"}""".formatted(receiverUrl()), 201)
                .get("webhook_id").asString();
        UUID scan = scan("running");

        call("POST", "/api/scans/" + scan + "/cancel", null, 202);

        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(
                call("GET", "/api/webhooks/" + id + "/deliveries", null, 200).at("/deliveries/0/status").asString()));
        assertThat(received).hasSize(3);
        assertThat(received).extracting(r -> r.header("webhook-id")).containsOnly(received.get(0).header("webhook-id"));
        for (Received attempt : received) {
            assertThat(WebhookSignature.verify("correct horse battery staple", attempt.header("webhook-id"), attempt.header("webhook-timestamp"),
                    attempt.header("webhook-signature"), attempt.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        }
        JsonNode delivery = call("GET", "/api/webhooks/" + id + "/deliveries", null, 200).at("/deliveries/0");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("log")).extracting(a -> a.get("status_code").asInt()).containsExactly(500, 500, 204);
        assertThat(delivery.at("/log/0/error").asString()).isEqualTo("the receiver answered 500");
        assertThat(JSON.readTree(received.get(2).body()).get("type").asString()).isEqualTo("io.nubicustos.scan.cancelled");
    }

    @Test
    void aReceiverThatNeverAnswersWellEndsFailedAfterTheLastAttempt() throws Exception {
        answers.addAll(List.of(503, 503, 503, 503, 503));
        String id = call("POST", "/api/webhooks", """
                {"url": "%s/down", "event_types": ["scan.cancelled"]}""".formatted(receiverUrl()), 201).get("webhook_id").asString();
        call("POST", "/api/scans/" + scan("queued") + "/cancel", null, 202);

        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(
                call("GET", "/api/webhooks/" + id + "/deliveries", null, 200).at("/deliveries/0/status").asString()));
        JsonNode delivery = call("GET", "/api/webhooks/" + id + "/deliveries", null, 200).at("/deliveries/0");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(4);
        assertThat(delivery.get("last_error").asString()).isEqualTo("the receiver answered 503");
        assertThat(delivery.get("next_attempt_at").isNull()).isTrue();
        // why: a failed delivery is terminal (DeliveryTransitions): no row is left to claim, so no attempt can follow
        assertThat(jdbc.sql("select count(*) from webhook_deliveries where webhook_id = cast(:id as uuid) and status = " + io.nubicustos.model.messaging.DeliveryStatus.PENDING.sql())
                .param("id", id).query(Long.class).single()).isZero();
        assertThat(received).as("no attempt after the last").hasSize(4);
    }

    @Test
    void aSlackSubscriptionGetsATextBodyThatSaysWhatHappened() throws Exception {
        String id = call("POST", "/api/webhooks", """
                {"url": "%s/slack", "event_types": ["scan.cancelled"], "format": "slack"}""".formatted(receiverUrl()), 201).get("webhook_id").asString();
        UUID scan = scan("running");
        call("POST", "/api/scans/" + scan + "/cancel", null, 202);

        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
        assertThat(received.get(0).header("Content-Type")).isEqualTo("application/json");
        assertThat(JSON.readTree(received.get(0).body()).get("text").asString()).isEqualTo("Nubicustos: scan " + scan + " (cancelled)");
        assertThat(received.get(0).header("webhook-signature")).startsWith("v1,");

        call("PATCH", "/api/webhooks/" + id, "{\"enabled\": false}", 200);
        call("POST", "/api/scans/" + scan("running") + "/cancel", null, 202);
        // why: deliveries are written with the event, in the cancel's transaction, and only for enabled subscriptions
        assertThat(jdbc.sql("select count(*) from webhook_deliveries where webhook_id = cast(:id as uuid)").param("id", id)
                .query(Long.class).single()).as("a paused subscription is owed nothing").isEqualTo(1);
        assertThat(received).as("a paused subscription gets nothing").hasSize(1);
        assertThat(call("GET", "/api/webhooks", null, 200).at("/webhooks/0/enabled").asBoolean()).isFalse();
        call("DELETE", "/api/webhooks/" + id, null, 204);
        call("GET", "/api/webhooks/" + id, null, 404);
    }

    @Test
    void badSubscriptionsAreRefusedNamingTheField() throws Exception {
        assertThat(call("POST", "/api/webhooks", "{\"event_types\": [\"scan.completed\"]}", 400).get("field").asString()).isEqualTo("url");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"ftp://example.com/x\", \"event_types\": [\"scan.completed\"]}", 400)
                .get("field").asString()).isEqualTo("url");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://user:pw@example.com/x\", \"event_types\": [\"scan.completed\"]}", 400)
                .get("field").asString()).isEqualTo("url");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.exploded\"]}", 400)
                .get("field").asString()).isEqualTo("event_types");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/x\", \"event_types\": []}", 400)
                .get("field").asString()).isEqualTo("event_types");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": \"short\"}", 400)
                .get("field").asString()).isEqualTo("secret");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"format\": \"xml\"}", 400)
                .get("field").asString()).isEqualTo("format");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"min_severity\": \"dire\"}", 400)
                .get("field").asString()).isEqualTo("min_severity");
        assertThat(call("POST", "/api/webhooks", "{\"url\": \"https://example.com/\\u0000\", \"event_types\": [\"scan.failed\"]}", 400)
                .get("field").asString()).isEqualTo("url");
        assertThat(call("POST", "/api/webhooks", "[]", 400).get("error").asString()).isNotBlank();
        call("GET", "/api/webhooks/" + UUID.randomUUID(), null, 404);
        call("GET", "/api/webhooks/not-a-uuid", null, 400);
        assertThat(jdbc.sql("select count(*) from webhooks").query(Long.class).single()).isZero();
    }

    /** Bodies bound to records (webhooks, triage rules, bulk requests) name the field at fault, in the one error shape. */
    @Test
    void aTypedBodyNamesTheFieldAtFaultWhateverIsWrongWithIt() throws Exception {
        String hook = "\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"]";
        JsonNode unknown = call("POST", "/api/webhooks", "{" + hook + ", \"colour\": \"red\"}", 400);
        assertThat(unknown.get("field").asString()).isEqualTo("colour");
        assertThat(unknown.get("message").asString()).contains("unknown field 'colour'").contains("event_types");
        assertThat(call("POST", "/api/webhooks", "{" + hook + ", \"enabled\": \"yes please\"}", 400).get("field").asString())
                .isEqualTo("enabled");
        assertThat(call("POST", "/api/webhooks", "{" + hook + ", \"description\": \"" + "d".repeat(501) + "\"}", 400)
                .get("field").asString()).isEqualTo("description");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"state\": \"muted\", \"reason\": \"a\\u0000b\"}", 400)
                .get("field").asString()).isEqualTo("reason");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"state\": \"ignored\", \"reason\": \"why\"}", 400)
                .get("field").asString()).isEqualTo("state");
        assertThat(call("DELETE", "/api/scans/bulk", "{\"scan_ids\": [\"not-a-uuid\"]}", 400).get("field").asString()).isEqualTo("scan_ids");
        assertThat(call("DELETE", "/api/scans/bulk", "{\"scan_ids\": [null]}", 400).get("field").asString()).isEqualTo("scan_ids");
        assertThat(call("DELETE", "/api/scans/bulk", "{\"scan_ids\": []}", 400).get("field").asString()).isEqualTo("scan_ids");
        String tooMany = "[" + String.join(",", java.util.Collections.nCopies(1001, "\"" + UUID.randomUUID() + "\"")) + "]";
        assertThat(call("DELETE", "/api/scans/bulk", "{\"scan_ids\": " + tooMany + "}", 400).get("message").asString()).contains("1000");
        assertThat(call("POST", "/api/scans/bulk/archive", "{\"scan_ids\": [\"" + UUID.randomUUID() + "\"], \"name\": 7}", 400)
                .get("field").asString()).as("a number is read as the name it spells, which is no archive name").isEqualTo("name");
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    private UUID scan(String status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scans (id, profile, aws_profile, status, source, created_at, completed_at)
                values (:id, 'quick', 'default', :status, 'rest', now(), case when :status in ('completed', 'failed') then now() end)
                """).param("id", id).param("status", status).update();
        jdbc.sql("""
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at)
                values (:step, :id, 'prowler', 0, 'queued', '{}'::jsonb, now())
                """).param("step", UUID.randomUUID()).param("id", id).update();
        return id;
    }

    private JsonNode call(String method, String path, String body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
