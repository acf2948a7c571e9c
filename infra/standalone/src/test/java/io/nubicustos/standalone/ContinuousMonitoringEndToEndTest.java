package io.nubicustos.standalone;

import com.sun.net.httpserver.HttpServer;
import io.nubicustos.gateway.webhook.WebhookSignature;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watching an account over time, against the whole system: a webhook receiver (started here, on loopback) gets a
 * signed {@code scan.completed} although it failed twice, then a {@code scan.degraded} when the next scan's Prowler
 * report holds a tenth of the results (as when a permission is lost); a running tool's log is followed live, and the
 * finished step's whole log is served and archived.
 */
class ContinuousMonitoringEndToEndTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SECRET = "end-to-end webhook secret";
    static Api api;

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Queue<Integer> answers = new ConcurrentLinkedQueue<>();

    record Received(Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        JsonNode event() {
            return JSON.readTree(body);
        }

        boolean verifies() {
            return WebhookSignature.verify(SECRET, header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"), body,
                    Instant.now(), Duration.ofMinutes(5));
        }
    }

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            Integer answer = answers.poll();
            exchange.sendResponseHeaders(answer == null ? 200 : answer, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aScanThatSawATenthOfThePreviousResultsIsDegradedAndTheReceiverHearsOfItSigned() throws Exception {
        answers.addAll(List.of(500, 500));
        var created = api.post("/api/webhooks", """
                {"url": "http://127.0.0.1:%d/nubicustos", "event_types": ["scan.completed", "scan.degraded"], "secret": "%s"}"""
                .formatted(receiver.getAddress().getPort(), SECRET));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String webhook = api.read(created.body()).get("webhook_id").asString();
        try {
            StandInTools.prowler330Asff();
            String baseline = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"monitored-account\"}");
            assertThat(api.awaitTerminal(baseline, Duration.ofMinutes(2)).get("status").asString()).isEqualTo("completed");

            await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().anyMatch(r -> baseline.equals(r.event().at("/data/scan_id").asString())
                    && r.header("webhook-id") != null && received.stream().filter(o -> o.header("webhook-id").equals(r.header("webhook-id"))).count() == 3));
            List<Received> completed = received.stream().filter(r -> baseline.equals(r.event().at("/data/scan_id").asString())).toList();
            assertThat(completed).as("failed twice (500), delivered on the third try").hasSize(3);
            assertThat(completed).allSatisfy(r -> assertThat(r.verifies()).isTrue());
            assertThat(completed.get(2).event().get("type").asString()).isEqualTo("io.nubicustos.scan.completed");
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                    api.getJson("/api/webhooks/" + webhook + "/deliveries").at("/deliveries/0/status").asString()));
            assertThat(api.getJson("/api/webhooks/" + webhook + "/deliveries").at("/deliveries/0/log"))
                    .extracting(a -> a.get("status_code").asInt()).containsExactly(500, 500, 200);
            assertThat(api.getJson("/api/scans/" + baseline + "/status").get("degraded").asBoolean()).isFalse();

            // the same account, after a permission was lost: a tenth of the results
            ArrayNode all = (ArrayNode) JSON.readTree(Samples.file("prowler/prowler330_output.asff.json").toFile());
            ArrayNode tenth = JSON.createArrayNode();
            for (int i = 0; i < all.size(); i += 10) {
                tenth.add(all.get(i));
            }
            Path cut = Files.createTempFile("prowler-tenth", ".asff.json");
            Files.writeString(cut, tenth.toString());
            StandInImage.forTool("prowler").writes("prowler-output-123456789012.asff.json", cut).exitsWith(3)
                    .buildWith(StandInTools.DOCKER);
            String lessened = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"monitored-account\"}");
            JsonNode status = api.awaitTerminal(lessened, Duration.ofMinutes(2));

            assertThat(status.get("status").asString()).as("degraded is not a status").isEqualTo("completed");
            assertThat(status.get("degraded").asBoolean()).isTrue();
            assertThat(status.at("/degradation/baseline_scan_id").asString()).isEqualTo(baseline);
            assertThat(status.at("/degradation/tools/prowler/0").asString()).startsWith("results fell to 74 from 731 (10.1% of the baseline");
            JsonNode errors = api.getJson("/api/scans/" + lessened + "/errors");
            assertThat(errors.get("degraded").asBoolean()).isTrue();
            assertThat(errors.at("/degradation/tools/prowler/0").asString()).startsWith("results fell to 74 from 731");
            assertThat(errors.at("/tool_errors/prowler").isNull()).as("the tool itself did not fail").isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().anyMatch(r -> r.event().get("type").asString()
                    .equals("io.nubicustos.scan.degraded")));
            Received degraded = received.stream().filter(r -> r.event().get("type").asString().equals("io.nubicustos.scan.degraded"))
                    .findFirst().orElseThrow();
            assertThat(degraded.verifies()).isTrue();
            assertThat(degraded.event().at("/data/scan_id").asString()).isEqualTo(lessened);
            assertThat(degraded.event().at("/data/tools/prowler/0").asString()).startsWith("results fell to 74 from 731");

            // an operator who knows why (regions disabled on purpose) accepts it: the next scan like it is not degraded
            var accepted = api.post("/api/scans/" + lessened + "/degradation/accept", "");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            assertThat(api.read(accepted.body()).at("/degradation/accepted_at").isNull()).isFalse();
            assertThat(api.post("/api/scans/" + lessened + "/degradation/accept", "").statusCode()).isEqualTo(409);
            assertThat(api.post("/api/scans/" + baseline + "/degradation/accept", "").statusCode()).as("not degraded").isEqualTo(409);
            String next = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"monitored-account\"}");
            JsonNode nextStatus = api.awaitTerminal(next, Duration.ofMinutes(2));
            assertThat(nextStatus.get("degraded").asBoolean()).as("compared with the accepted scan").isFalse();
        } finally {
            api.delete("/api/webhooks/" + webhook);
            StandInTools.prowler330Asff();
        }
    }

    @Test
    void aRunningToolsLogIsFollowedLiveAndTheFinishedStepsWholeLogIsServedAndArchived() throws Exception {
        StandInImage.forTool("prowler")
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .alsoRuns("for i in 1 2 3 4 5 6 7 8; do $B echo \"progress line $i\"; $B sleep 1; done")
                .complainsOnStderr("aws_secret_access_key = example3 was printed by a careless tool")
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        try {
            String scan = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"monitored-account\"}");
            await().atMost(Duration.ofMinutes(1)).until(() -> "running".equals(api.getJson("/api/scans/" + scan).at("/steps/0/status").asString()));

            List<String> events = new CopyOnWriteArrayList<>();
            List<String> statusWhenFirstLineCame = new CopyOnWriteArrayList<>();
            HttpRequest follow = HttpRequest.newBuilder(URI.create("http://localhost:" + RunningSystem.get().apiPort() + "/api/scans/" + scan
                    + "/steps/prowler/logs?follow=true")).build();
            CompletableFuture<Void> stream = HttpClient.newHttpClient().sendAsync(follow, HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(response -> response.body().filter(line -> !line.isEmpty()).forEach(line -> {
                        if (line.equals("data:progress line 1")) {
                            statusWhenFirstLineCame.add(api.getJson("/api/scans/" + scan).at("/steps/0/status").asString());
                        }
                        events.add(line);
                    }));
            stream.get(2, TimeUnit.MINUTES);

            assertThat(statusWhenFirstLineCame).as("the first line came while the tool still ran").containsExactly("running");
            List<String> lines = events.stream().filter(e -> e.startsWith("data:")).toList();
            assertThat(lines).contains("data:progress line 1", "data:progress line 8");
            assertThat(lines.indexOf("data:progress line 8")).isGreaterThan(lines.indexOf("data:progress line 1"));
            assertThat(events).contains("event:end");
            assertThat(events.get(events.size() - 1)).startsWith("data:{\"status\":");

            api.awaitTerminal(scan, Duration.ofMinutes(1));
            HttpResponse<String> whole = api.get("/api/scans/" + scan + "/steps/prowler/logs");
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.body()).contains("progress line 1\n").contains("progress line 8\n").contains("exiting with 3")
                    .contains("[stderr] aws_secret_access_key = [REDACTED] was printed").doesNotContain("example3");

            var archived = api.post("/api/scans/bulk/archive", "{\"scan_ids\": [\"" + scan + "\"], \"name\": \"whole-log.zip\"}");
            assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
            HttpResponse<InputStream> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + RunningSystem.get().apiPort() + "/api/scans/archives/whole-log.zip")).build(), HttpResponse.BodyHandlers.ofInputStream());
            String archivedLog = null;
            try (ZipInputStream in = new ZipInputStream(zip.body())) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    if (entry.getName().equals(scan + "/logs/prowler.log")) {
                        archivedLog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
            assertThat(archivedLog).isEqualTo(whole.body());
        } finally {
            StandInTools.prowler330Asff();
        }
    }
}
