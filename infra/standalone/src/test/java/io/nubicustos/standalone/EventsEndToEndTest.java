package io.nubicustos.standalone;

import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.AsyncApiContract;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events a SIEM or a pipeline reads from Kafka, on the shared system: a Kafka requester learns its scan from
 * {@code scan.accepted}; the settled event's counts are the ones {@code /status} answers (a triaged finding shown, not
 * counted); and every record on every topic this JVM's tests produced matches the AsyncAPI document (docs/api/asyncapi.json),
 * which is itself valid AsyncAPI 3.0.0.
 */
class EventsEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Path DOCUMENT = Path.of("..", "..", "docs", "api", "asyncapi.json");
    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
        StandInTools.prowler5();
    }

    @Test
    void theDocumentIsValidAsyncApi3AndNamesEveryTopicAndTheScanRequestFields() {
        AsyncApiContract contract = AsyncApiContract.load(DOCUMENT);
        assertThat(AsyncApiContract.documentViolations(contract.document())).as("by the AsyncAPI 3.0.0 schema").isEmpty();
        ObjectNode broken = (ObjectNode) contract.document().deepCopy();
        broken.put("asyncapi", "3.0.0-nope");
        ((ObjectNode) broken.get("channels").get("toolSteps")).put("address", 7);
        assertThat(AsyncApiContract.documentViolations(broken)).as("the check can fail").isNotEmpty();
        assertThat(contract.addresses()).containsExactlyInAnyOrder(Topics.SCAN_REQUESTS, Topics.TOOL_STEPS, Topics.STEP_COMPLETED,
                Topics.SCAN_EVENTS);
        Set<String> fields = new LinkedHashSet<>();
        contract.document().at("/components/schemas/ScanRequest/properties").propertyNames().forEach(fields::add);
        assertThat(fields).as("the fields the intake accepts").containsExactlyInAnyOrderElementsOf(ScanRequestParser.FIELDS);
    }

    @Test
    void aKafkaRequesterLearnsItsScanAndTheSettledCountsAreTheStatusCountsAndEveryRecordMatchesTheDocument() throws Exception {
        String rule = api.read(api.post("/api/triage", "{\"tool\": \"prowler\", \"check_id\": \"accessanalyzer_enabled\","
                + " \"state\": \"accepted_risk\", \"reason\": \"events e2e\", \"expires_at\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}")
                .body()).get("rule_id").asString();
        try {
            String source = "/e2e/events/" + UUID.randomUUID();
            String id = "request-1";
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(),
                    "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
                producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, id, "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \""
                        + source + "\", \"type\": \"io.nubicustos.scan.requested\", \"data\": {\"profile\": \"quick\"}}")).get();
            }
            AtomicReference<String> scanId = new AtomicReference<>();
            try (KafkaConsumer<String, String> events = RunningSystem.consumerFromStart(List.of(Topics.SCAN_EVENTS))) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(300))) {
                        JsonNode event = JSON.readTree(record.value());
                        if (event.path("type").asString().equals("io.nubicustos.scan.accepted")
                                && source.equals(event.at("/data/requester/source").asString()) && id.equals(event.at("/data/requester/id").asString())) {
                            scanId.set(event.at("/data/scan_id").asString());
                        }
                    }
                    assertThat(scanId.get()).as("scan.accepted for the requester's source and id").isNotNull();
                });
                JsonNode status = api.awaitTerminal(scanId.get(), Duration.ofMinutes(2));
                AtomicReference<JsonNode> settled = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(300))) {
                        JsonNode event = JSON.readTree(record.value());
                        if (event.path("type").asString().equals("io.nubicustos.scan." + status.get("status").asString())
                                && scanId.get().equals(event.path("subject").asString())) {
                            settled.set(event);
                        }
                    }
                    assertThat(settled.get()).isNotNull();
                });
                assertThat(status.at("/findings/triaged").asInt()).as("the rule covers a failing finding of prowler's sample").isPositive();
                assertThat(settled.get().at("/data/findings")).as("the settled event's counts against /status")
                        .isEqualTo(status.get("findings"));
                assertThat(settled.get().at("/data/aws_profile").asString()).isEqualTo("default");
            }
        } finally {
            HttpResponse<String> deleted = api.delete("/api/triage/" + rule);
            assertThat(deleted.statusCode()).isEqualTo(204);
        }

        // every record this JVM's tests produced, on every topic, against the document
        AsyncApiContract contract = AsyncApiContract.load(DOCUMENT);
        List<String> violations = new ArrayList<>();
        Set<String> eventTypes = new LinkedHashSet<>();
        int read = 0;
        try (KafkaConsumer<String, String> all = RunningSystem.consumerFromStart(List.of(Topics.TOOL_STEPS, Topics.STEP_COMPLETED, Topics.SCAN_EVENTS))) {
            int empty = 0;
            while (empty < 5) {
                var records = all.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (ConsumerRecord<String, String> record : records) {
                    read++;
                    violations.addAll(contract.violations(record.topic(), record.value()));
                    if (record.topic().equals(Topics.SCAN_EVENTS)) {
                        eventTypes.add(JSON.readTree(record.value()).path("type").asString());
                    }
                }
            }
        }
        assertThat(read).isPositive();
        assertThat(eventTypes).contains("io.nubicustos.scan.accepted", "io.nubicustos.scan.completed", "io.nubicustos.findings.triaged");
        assertThat(violations).as("records that do not match docs/api/asyncapi.json").isEmpty();
        assertThat(contract.violations(Topics.SCAN_EVENTS, "{\"specversion\": \"1.0\", \"type\": \"io.nubicustos.scan.completed\"}"))
                .as("the check can fail").isNotEmpty();
    }

    private static String bootstrap() {
        return "localhost:" + RunningSystem.kafkaPort();
    }
}
