package io.nubicustos.standalone;

import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace id crosses the system: the W3C {@code traceparent} a REST caller sends is kept on the scan, carried by the
 * Kafka records of its steps and of its settled event, and continued by the worker running the step and the processor
 * reading its report; every structured (JSON) log line about the scan names it, with the scan, step, tool, worker and
 * request ids as MDC keys. Runs on the shared system, whose file log is JSON (logstash format).
 */
class TracingEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
        StandInTools.prowler5();
    }

    @Test
    void theCallersTraceIdFollowsTheScanThroughKafkaTheWorkerAndTheProcessor() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String requestId = "trace-e2e-" + UUID.randomUUID();
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RunningSystem.get().apiPort() + "/api/scans"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01")
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"profile\": \"quick\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("X-Request-Id")).contains(requestId);
        String scanId = api.read(accepted.body()).get("scan_id").asString();
        assertThat(api.awaitTerminal(scanId, Duration.ofMinutes(2)).get("status").asString()).isEqualTo("completed");

        // Kafka: the step's wake-up and the scan's settled event carry the caller's trace
        List<String> traceparents = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = RunningSystem.consumerFromStart(List.of(Topics.TOOL_STEPS, Topics.STEP_COMPLETED, Topics.SCAN_EVENTS))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    if (record.value() != null && record.value().contains(scanId)) {
                        Header header = record.headers().lastHeader("traceparent");
                        traceparents.add(record.topic() + " " + (header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8)));
                    }
                }
                assertThat(traceparents).anyMatch(t -> t.startsWith(Topics.TOOL_STEPS + " "))
                        .anyMatch(t -> t.startsWith(Topics.STEP_COMPLETED + " "))
                        .anyMatch(t -> t.startsWith(Topics.SCAN_EVENTS + " "));
            });
        }
        assertThat(traceparents).allMatch(t -> t.matches("\\S+ 00-" + traceId + "-[0-9a-f]{16}-[0-9a-f]{2}"));

        // logs: each service's JSON lines about the scan carry the trace id and the MDC keys
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<JsonNode> lines = linesAbout(scanId);
            assertThat(lines).as("JSON log lines about scan " + scanId).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.path("traceId").asString()).as(line.toString()).isEqualTo(traceId));
            JsonNode accepting = lines.stream().filter(l -> l.path("logger_name").asString().startsWith("io.nubicustos.gateway"))
                    .findFirst().orElseThrow(() -> new AssertionError("no api-gateway line about the scan"));
            assertThat(accepting.path("request_id").asString()).isEqualTo(requestId);
            JsonNode running = lines.stream().filter(l -> l.path("logger_name").asString().startsWith("io.nubicustos.worker"))
                    .findFirst().orElseThrow(() -> new AssertionError("no scan-worker line about the scan"));
            assertThat(running.path("tool").asString()).isEqualTo("prowler");
            assertThat(running.path("step_id").asString()).isNotBlank();
            assertThat(running.path("worker").asString()).isNotBlank();
            JsonNode processing = lines.stream().filter(l -> l.path("logger_name").asString().startsWith("io.nubicustos.processor"))
                    .findFirst().orElseThrow(() -> new AssertionError("no report-processor line about the scan"));
            assertThat(processing.path("step_id").asString()).isEqualTo(running.path("step_id").asString());
            assertThat(processing.path("tool").asString()).isEqualTo("prowler");
        });
    }

    @Test
    void aTraceparentThatIsNotW3cStartsATraceOfItsOwnAndAPlantedRequestIdIsReplaced() throws Exception {
        String planted = "00-" + "g".repeat(32) + "-" + "h".repeat(16) + "-01";
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RunningSystem.get().apiPort() + "/api/scans"))
                .header("Content-Type", "application/json")
                .header("traceparent", planted)
                .header("X-Request-Id", "forged\",\"level\":\"ERROR")
                .POST(HttpRequest.BodyPublishers.ofString("{\"profile\": \"quick\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("X-Request-Id")).hasValueSatisfying(id ->
                assertThat(id).doesNotContain("forged").matches("[0-9a-f-]{36}"));
        String scanId = api.read(accepted.body()).get("scan_id").asString();
        api.awaitTerminal(scanId, Duration.ofMinutes(2));

        // the step's wake-up carries a trace of its own, well-formed, nothing of the planted value
        List<String> traceparents = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = RunningSystem.consumerFromStart(List.of(Topics.TOOL_STEPS))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    if (record.value() != null && record.value().contains(scanId)) {
                        Header header = record.headers().lastHeader("traceparent");
                        traceparents.add(header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(traceparents).isNotEmpty();
            });
        }
        assertThat(traceparents).allSatisfy(t -> assertThat(t).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
                .doesNotContain("ggg").doesNotContain("hhh"));
    }

    private static List<JsonNode> linesAbout(String scanId) throws IOException {
        List<JsonNode> about = new ArrayList<>();
        for (String line : Files.readAllLines(RunningSystem.jsonLog())) {
            if (line.contains(scanId)) {
                JsonNode parsed = JSON.readTree(line);
                if (scanId.equals(parsed.path("scan_id").asString())) {
                    about.add(parsed);
                }
            }
        }
        return about;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1;
        return bytes;
    }
}
