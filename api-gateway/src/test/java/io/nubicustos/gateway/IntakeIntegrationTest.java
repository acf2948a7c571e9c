package io.nubicustos.gateway;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TcpProxy;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scan-requests intake against a real KRaft broker and a real PostgreSQL reached through a proxy
 * the test can cut: an unambiguous, bounded dedupe key; a recreated topic; escaped logs; and valid
 * requests that wait out a database outage instead of being dead-lettered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "spring.datasource.hikari.connection-timeout=1000", "spring.datasource.hikari.validation-timeout=500"})
@RealInfrastructure
@ExtendWith(OutputCaptureExtension.class)
class IntakeIntegrationTest {

    static TcpProxy database;
    static JdbcClient direct;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path aws = TestDirectories.create("aws");
        Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        String url = TestPostgres.newDatabase();
        database = new TcpProxy("localhost", TestPostgres.port());
        // why: the test's own queries must not go through the proxy it cuts
        direct = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(url, "postgres", ""));
        registry.add("spring.datasource.url", () -> TestPostgres.viaPort(url, database.port()));
        registry.add("nubicustos.credentials.aws-path", aws::toString);
    }

    @AfterAll
    static void closeProxy() {
        database.close();
    }

    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @Test
    void cloudEventsWhoseSourceAndIdRunTogetherAlikeAreTwoRequestsAndTheKeyIsBounded() {
        String marker = UUID.randomUUID().toString();
        publish(cloudEvent("/team:" + marker, "42"));
        publish(cloudEvent("/team", marker + ":42"));
        publish(cloudEvent("/team", "x".repeat(100_000) + marker));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isGreaterThanOrEqualTo(3));
        assertThat(scansWithRequestIdLongerThan(80)).as("request ids are digests").isZero();
        long before = scansWithRequestIdLongerThan(0);
        publish(cloudEvent("/team", marker + ":42"));
        // why: one partition is read in order: once a request sent after the repeat made its scan, the repeat was handled
        publish(cloudEvent("/team", marker + ":after"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 1));
        assertThat(scansWithRequestIdLongerThan(0)).as("the same event again creates nothing").isEqualTo(before + 1);
    }

    @Test
    void binaryModeCloudEventsAreRequestsDedupedOnTheirSourceAndId() {
        String id = UUID.randomUUID().toString();
        long before = scansWithRequestIdLongerThan(0);
        publish("{\"profile\": \"quick\"}", binaryMode("/ci", id, "application/json"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 1));

        publish("{\"profile\": \"quick\"}", binaryMode("/ci", id, null));
        publish(cloudEvent("/ci", id));
        // why: one partition is read in order: once a request sent after the repeats made its scan, the repeats were handled
        publish(cloudEvent("/ci", id + "-after"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 2));
        assertThat(scansWithRequestIdLongerThan(0)).as("the same event again, in either mode, creates nothing").isEqualTo(before + 2);
        // why: a request on the topic is audited like one over HTTP: who sent it, and what it made
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(direct.sql(
                "select actor, status from audit_log where method = 'KAFKA' and detail ->> 'record' is not null and actor = :actor order by id")
                .param("actor", "kafka '/ci'").query().listOfRows()).extracting(row -> row.get("status")).contains(202, 200));
    }

    @Test
    void binaryModeEventsThatBreakTheBindingAreDeadLetteredSayingWhy() {
        String marker = UUID.randomUUID().toString();
        Map<String, String> noId = new java.util.LinkedHashMap<>(binaryMode(marker + "-no-id", "1", null));
        noId.remove("ce_id");
        publish("{\"profile\": \"quick\"}", noId);
        publish("{\"profile\": \"quick\"}", binaryMode(marker + "-xml", "1", "application/xml"));
        Map<String, String> otherType = new java.util.LinkedHashMap<>(binaryMode(marker + "-type", "1", null));
        otherType.put("ce_type", "com.example.other");
        publish("{\"profile\": \"quick\"}", otherType);
        publishWithNullHeader("{\"profile\": \"quick\"}", binaryMode(marker + "-null-type", "1", null), "content-type");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, String> reasons = deadLetterReasonsBySource();
            assertThat(reasons.get(marker + "-no-id")).contains("CloudEvent attribute 'id' is required");
            assertThat(reasons.get(marker + "-xml")).contains("must be JSON").contains("application/xml");
            assertThat(reasons.get(marker + "-type")).contains("'com.example.other' is not io.nubicustos.scan.requested");
            assertThat(reasons.get(marker + "-null-type")).as("at once, not after the retries a bug gets").contains("has no value");
        });
    }

    @Test
    void aProducersValuesAreLoggedEscaped(CapturedOutput output) {
        publish(cloudEvent("/team\n2026-01-01T00:00:00Z ERROR forged log line", UUID.randomUUID().toString()));

        await().atMost(Duration.ofSeconds(30)).until(() -> output.getOut().contains("forged log line"));
        assertThat(output.getOut()).doesNotContain("\n2026-01-01T00:00:00Z ERROR forged").contains("\\u000a2026-01-01");
    }

    @Test
    void aRecreatedTopicsFirstRecordIsANewRequest() throws Exception {
        long before = scansWithRequestIdLongerThan(0);
        recreateTopicAndPublish("{\"profile\": \"quick\"}");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 1));

        // the new topic's first record sits at offset 0 again, where the request above sat
        recreateTopicAndPublish("{\"profile\": \"quick\"}");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 2));
    }

    private void recreateTopicAndPublish(String value) throws Exception {
        MessageListenerContainer intake = listeners.getListenerContainer("scan-request-intake");
        intake.stop();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            admin.deleteTopics(List.of(Topics.SCAN_REQUESTS)).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(Topics.SCAN_REQUESTS));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(Topics.SCAN_REQUESTS, 1, (short) 1))).all().get();
                return true;
            });
        }
        publish(value);
        intake.start();
    }

    @Test
    void aValidRequestWaitsOutADatabaseOutageInsteadOfBeingDeadLettered() {
        long before = scansWithRequestIdLongerThan(0);
        String id = UUID.randomUUID().toString();
        database.cut();
        try {
            publish(cloudEvent("/ci", id));
            // well past the bounded retries a bug gets before it is dead-lettered
            io.nubicustos.testsupport.RawHttp.Response unavailable = io.nubicustos.testsupport.RawHttp.get(port, "/api/scans", Map.of());
            assertThat(unavailable.status()).as("the API says what is wrong, not 500").isEqualTo(503);
            assertThat(unavailable.body()).contains("database_unavailable");
            assertThat(unavailable.headers()).containsKey("retry-after");
            await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(30)).until(() -> deadLettered(id).isEmpty());
        } finally {
            database.restore();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scansWithRequestIdLongerThan(0)).isEqualTo(before + 1));
        assertThat(deadLettered(id)).isEmpty();
    }

    private long scansWithRequestIdLongerThan(int length) {
        return direct.sql("select count(*) from scans where request_id is not null and length(request_id) > :n").param("n", length)
                .query(Long.class).single();
    }

    private static String cloudEvent(String source, String id) {
        return "{\"specversion\": \"1.0\", \"id\": " + quote(id) + ", \"source\": " + quote(source)
                + ", \"type\": \"io.nubicustos.scan.requested\", \"data\": {\"profile\": \"quick\"}}";
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String brokers() {
        return System.getProperty("spring.embedded.kafka.brokers");
    }

    private static Map<String, String> binaryMode(String source, String id, String contentType) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of("ce_specversion", "1.0", "ce_id", id, "ce_source", source,
                "ce_type", "io.nubicustos.scan.requested"));
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        return headers;
    }

    private static void publish(String value) {
        publish(value, Map.of());
    }

    /** A record whose header {@code nullHeader} is present without a value, as a Kafka header may be. */
    private static void publishWithNullHeader(String value, Map<String, String> headers, String nullHeader) {
        publish(value, headers, nullHeader);
    }

    private static void publish(String value, Map<String, String> headers) {
        publish(value, headers, null);
    }

    private static void publish(String value, Map<String, String> headers, String nullHeader) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.SCAN_REQUESTS, null, value);
            headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
            if (nullHeader != null) {
                record.headers().add(nullHeader, null);
            }
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reason each dead-lettered binary-mode event was refused, by its {@code ce_source}. */
    private static Map<String, String> deadLetterReasonsBySource() {
        Map<String, String> reasons = new java.util.HashMap<>();
        for (ConsumerRecord<String, String> record : deadLetterRecords()) {
            Header source = record.headers().lastHeader("ce_source");
            Header reason = record.headers().lastHeader("kafka_dlt-exception-message");
            if (source != null && reason != null) {
                reasons.put(new String(source.value(), StandardCharsets.UTF_8), new String(reason.value(), StandardCharsets.UTF_8));
            }
        }
        return reasons;
    }

    /** The dead-lettered records that mention {@code marker} (other tests of this class dead-letter records on purpose). */
    private static List<String> deadLettered(String marker) {
        return deadLetterRecords().stream().map(ConsumerRecord::value).filter(v -> v != null && v.contains(marker)).toList();
    }

    private static List<ConsumerRecord<String, String>> deadLetterRecords() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            if (!consumer.listTopics().containsKey(Topics.SCAN_REQUESTS_DLT)) {
                return List.of();
            }
            consumer.subscribe(Set.of(Topics.SCAN_REQUESTS_DLT));
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long end = System.currentTimeMillis() + 2000;
            while (System.currentTimeMillis() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }
}
