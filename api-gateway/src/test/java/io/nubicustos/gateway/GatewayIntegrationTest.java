package io.nubicustos.gateway;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TestDirectories;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API against a real PostgreSQL and a real KRaft broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-gateway", "nubicustos.outbox.poll-interval=100ms"})
@RealInfrastructure
class GatewayIntegrationTest {

    static Path credentials;

    @BeforeAll
    static void credentialsFile() throws IOException {
        credentials = TestDirectories.create("aws");
        Files.writeString(credentials.resolve("credentials"), """
                [default]
                aws_access_key_id = AKIAEXAMPLE
                aws_secret_access_key = example
                [production-audit]
                aws_access_key_id = AKIAEXAMPLE2
                aws_secret_access_key = example2
                """);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("nubicustos.credentials.aws-path", () -> {
            try {
                credentialsFile();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return credentials.toString();
        });
        registry.add("nubicustos.reports.path", () -> "/srv/nubicustos/reports");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void listsTheThreeProfilesWithTheirTools() throws Exception {
        JsonNode body = json.readTree(get("/api/scans/profiles/list").body());

        assertThat(body.get("profiles")).hasSize(3);
        assertThat(body.at("/profiles/0/name").asString()).isEqualTo("quick");
        assertThat(body.at("/profiles/0/tools/0").asString()).isEqualTo("prowler");
        assertThat(body.at("/profiles/1/tools")).hasSize(7);
        assertThat(body.at("/profiles/2/duration_estimate").asString()).isEqualTo("15-20 minutes");
    }

    @Test
    void aScanIsWrittenWithItsStepsAndOutboxInOneGoAndTheRelayPublishesTheSteps() throws Exception {
        HttpResponse<String> response = post("/api/scans", "{\"profile\": \"compliance-only\", \"aws_profile\": \"production-audit\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        UUID scanId = UUID.fromString(body.get("scan_id").asString());
        assertThat(body.get("status").asString()).isEqualTo("queued");
        assertThat(response.headers().firstValue("Location")).contains("/api/scans/" + scanId);

        List<String> steps = jdbc.sql("select id::text from scan_steps where scan_id = :id order by position")
                .param("id", scanId).query(String.class).list();
        assertThat(steps).hasSize(2);
        List<String> published = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("steps-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(Topics.TOOL_STEPS));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    published.add(record.key());
                }
                assertThat(published).containsAll(steps);
            });
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                jdbc.sql("select count(*) from outbox where published_at is null").query(Long.class).single()).isZero());

        JsonNode status = json.readTree(get("/api/scans/" + scanId + "/status").body());
        assertThat(status.get("status").asString()).isEqualTo("queued");
        assertThat(status.at("/findings/total").asInt()).isZero();
        JsonNode errors = json.readTree(get("/api/scans/" + scanId + "/errors").body());
        assertThat(errors.get("total_tools").asInt()).isEqualTo(2);
        assertThat(errors.at("/tool_errors/prowler").isNull()).isTrue();
    }

    @Test
    void errorsSayWhatHappenedToEachToolAndTheStatusSaysWhenItIsOver() throws Exception {
        UUID scan = UUID.randomUUID();
        jdbc.sql("insert into scans (id, profile, aws_profile, status, source, created_at) values (:id, 'comprehensive', 'default', 'running', 'rest', now())")
                .param("id", scan).update();
        UUID retried = step(scan, "prowler", "succeeded", 2, "attempt 1 ended: the container vanished; retrying");
        jdbc.sql("""
                insert into step_attempts (step_id, attempt, worker, docker_host, started_at, finished_at, outcome, error) values
                (:id, 1, 'worker-a', 'host-a', now() - interval '2 minutes', now() - interval '90 seconds', 'retried', 'the container vanished'),
                (:id, 2, 'worker-b', 'host-b', now() - interval '80 seconds', now(), 'exited 3', null)
                """).param("id", retried).update();
        step(scan, "scoutsuite", "failed", 1, "scoutsuite exited with code 2");
        step(scan, "cloudfox", "cancelled", 1, "cancelled by request");
        step(scan, "cloudsploit", "cancelled", 1, null);
        step(scan, "cartography", "queued", 1, null);

        JsonNode errors = json.readTree(get("/api/scans/" + scan + "/errors").body());
        assertThat(errors.at("/tool_errors/prowler").isNull()).as("it succeeded on its second attempt").isTrue();
        assertThat(errors.at("/details/prowler/attempts")).extracting(a -> a.get("outcome").asString()).containsExactly("retried", "exited 3");
        assertThat(errors.at("/details/prowler/status").asString()).isEqualTo("succeeded");
        assertThat(errors.at("/tool_errors/scoutsuite").asString()).isEqualTo("scoutsuite exited with code 2");
        assertThat(errors.at("/tool_errors/cloudfox").asString()).isEqualTo("cancelled by request");
        assertThat(errors.at("/tool_errors/cloudsploit").asString()).isEqualTo("cancelled by request");
        assertThat(errors.at("/tool_errors/cartography").isNull()).isTrue();
        assertThat(errors.get("total_tools").asInt()).isEqualTo(5);
        assertThat(errors.get("success_tools").asInt()).isEqualTo(1);
        assertThat(errors.get("failed_tools").asInt()).isEqualTo(1);
        assertThat(errors.get("cancelled_tools").asInt()).isEqualTo(2);
        assertThat(errors.get("pending_tools").asInt()).as("cancelled steps are not pending").isEqualTo(1);
        assertThat(json.readTree(get("/api/scans/" + scan + "/status").body()).get("terminal").asBoolean()).isFalse();

        jdbc.sql("update scans set status = 'cancelled', completed_at = now() where id = :id").param("id", scan).update();
        JsonNode status = json.readTree(get("/api/scans/" + scan + "/status").body());
        assertThat(status.get("status").asString()).isEqualTo("cancelled");
        assertThat(status.get("terminal").asBoolean()).as("the CI/CD script's loop ends on this, not on completed|failed").isTrue();
    }

    private UUID step(UUID scan, String tool, String status, int attempt, String error) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scan_steps (id, scan_id, tool, position, status, attempt, plan, queued_at, error)
                values (:id, :scan, :tool, 0, :status, :attempt, '{}'::jsonb, now(), :error)
                """).param("id", id).param("scan", scan).param("tool", tool).param("status", status).param("attempt", attempt)
                .param("error", error).update();
        return id;
    }

    @Test
    void stepsAcceptedTogetherGetContainerNamesOfTheirOwn() throws Exception {
        // why: a container is named {tool}-scan-{first 12 digits of the step id}; steps created in one millisecond
        // (a burst, a bulk retry) must not share one, or a worker takes another step's container for its own
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return post("/api/scans", "{\"profile\": \"comprehensive\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (var accepted : burst) {
            assertThat(accepted.join().statusCode()).isEqualTo(202);
        }

        assertThat(jdbc.sql("select count(*) - count(distinct left(id::text, 12)) from scan_steps").query(Long.class).single()).isZero();
    }

    @Test
    void aDryRunAnswersThePlanAndCreatesNothing() throws Exception {
        long before = jdbc.sql("select count(*) from scans").query(Long.class).single();

        HttpResponse<String> response = post("/api/scans", "{\"profile\": \"quick\", \"severity_filter\": \"critical,high,medium\", \"dry_run\": true}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode plan = json.readTree(response.body()).at("/tools/0");
        assertThat(plan.get("image").asString()).isEqualTo(io.nubicustos.testsupport.StandIns.image("prowler"));
        assertThat(plan.get("container_name_pattern").asString()).isEqualTo("prowler-scan-{execution_id}");
        assertThat(plan.get("command").toString()).isEqualTo(
                "[\"aws\",\"--output-formats\",\"json-ocsf\",\"html\",\"csv\",\"--output-directory\",\"/reports\",\"--severity\",\"critical\",\"high\",\"medium\"]");
        assertThat(plan.at("/mounts/0/source").asString()).isEqualTo("/srv/nubicustos/reports/{scan_id}/prowler");
        assertThat(plan.at("/mounts/1/read_only").asBoolean()).isTrue();
        assertThat(plan.get("environment_variables").toString()).contains("AWS_PROFILE", "SCAN_ID", "AWS_SHARED_CREDENTIALS_FILE");
        assertThat(plan.get("network").asString()).isEqualTo("nubicustos_security-net");
        assertThat(jdbc.sql("select count(*) from scans").query(Long.class).single()).isEqualTo(before);
    }

    @Test
    void aDryRunSaysWhatOfTheScopeEachToolCannotTake() throws Exception {
        HttpResponse<String> response = post("/api/scans", """
                {"profile": "comprehensive", "dry_run": true,
                 "scope": {"regions": ["eu-west-1"], "services": ["s3"], "frameworks": ["cis"]}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode dryRun = json.readTree(response.body());
        assertThat(dryRun.get("scope").toString()).isEqualTo("{\"regions\":[\"eu-west-1\"],\"services\":[\"s3\"],\"frameworks\":[\"cis\"]}");
        JsonNode prowler = dryRun.at("/tools/0");
        assertThat(prowler.get("command").toString()).endsWith("\"--region\",\"eu-west-1\",\"--service\",\"s3\"]");
        assertThat(prowler.get("scope_not_honoured").toString()).contains("services are passed, frameworks are not");
        JsonNode cloudfox = dryRun.at("/tools/2");
        assertThat(cloudfox.get("tool").asString()).isEqualTo("cloudfox");
        assertThat(cloudfox.get("scope_not_honoured")).hasSize(3);
        assertThat(dryRun.at("/tools/1/scope_not_honoured")).as("scoutsuite takes all three").isEmpty();
        assertThat(dryRun.get("tools")).extracting(t -> t.get("tool").asString()).doesNotContain("cartography");
        assertThat(dryRun.at("/left_out/cartography").asString()).contains("needs neo4j, and none is configured");
    }

    @Test
    void aToolWhoseServiceIsNotConfiguredGetsNoStepAndErrorsSayWhy() throws Exception {
        HttpResponse<String> response = post("/api/scans", "{\"profile\": \"comprehensive\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode accepted = json.readTree(response.body());
        assertThat(accepted.get("tools")).extracting(JsonNode::asString).hasSize(6).doesNotContain("cartography");
        String scan = accepted.get("scan_id").asString();
        assertThat(jdbc.sql("select count(*) from scan_steps where scan_id = cast(:id as uuid)").param("id", scan).query(Long.class).single())
                .isEqualTo(6);
        JsonNode errors = json.readTree(get("/api/scans/" + scan + "/errors").body());
        assertThat(errors.at("/notes/cartography").asString()).contains("cartography was left out: it needs neo4j");
        assertThat(errors.get("total_tools").asInt()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "unknown profile        | {\"profile\": \"everything\"}                          | 422 | profile         | does not exist",
            "missing profile        | {\"aws_profile\": \"default\"}                         | 400 | profile         | profile is required",
            "profile of wrong type  | {\"profile\": 7}                                       | 400 | profile         | must be a string",
            "unknown severity       | {\"profile\": \"quick\", \"severity_filter\": \"high,urgent\"} | 422 | severity_filter | unknown severity 'urgent'",
            "severity of wrong type | {\"profile\": \"quick\", \"severity_filter\": 3}          | 400 | severity_filter | comma-separated",
            "unknown aws_profile    | {\"profile\": \"quick\", \"aws_profile\": \"staging\"}      | 422 | aws_profile     | is not in",
            "hostile aws_profile    | {\"profile\": \"quick\", \"aws_profile\": \"../../etc\"}    | 422 | aws_profile     | letters, digits",
            "dry_run not a boolean  | {\"profile\": \"quick\", \"dry_run\": \"yes\"}              | 400 | dry_run         | true or false",
            "unknown field          | {\"profile\": \"quick\", \"profle\": \"x\"}                 | 400 | profle          | unknown field",
            "scope not an object    | {\"profile\": \"quick\", \"scope\": [\"eu-west-1\"]}      | 400 | scope           | must be an object",
            "unknown scope part     | {\"profile\": \"quick\", \"scope\": {\"zones\": []}}       | 400 | scope.zones     | unknown scope 'zones'",
            "scope value not a list | {\"profile\": \"quick\", \"scope\": {\"regions\": \"eu\"}}  | 400 | scope.regions   | must be an array",
            "scope value a flag     | {\"profile\": \"quick\", \"scope\": {\"checks\": [\"--fixer\"]}} | 422 | scope.checks | starting with a letter or digit",
            "scope value spaced     | {\"profile\": \"quick\", \"scope\": {\"services\": [\"s3 iam\"]}} | 422 | scope.services | letters, digits",
            "not an object          | [1, 2]                                                 | 400 |                 | JSON object",
    })
    void badRequestsGetA4xxNamingTheField(String name, String body, int status, String field, String message) throws Exception {
        HttpResponse<String> response = post("/api/scans", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json.readTree(response.body());
        if (field == null) {
            assertThat(error.get("field").isNull()).isTrue();
        } else {
            assertThat(error.get("field").asString()).isEqualTo(field);
        }
        assertThat(error.get("message").asString()).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "memory that overflows a long   | {\"memory\": \"17179869185g\"}  | limits.memory  | from 6m to 1024g",
            "memory above the catalog's     | {\"memory\": \"4g\"}            | limits.memory  | above prowler's limit 2g",
            "cpus that round to no limit    | {\"cpus\": 1e-10}              | limits.cpus    | from 0.01",
            "cpus past any number           | {\"cpus\": 1e400}              | limits.cpus    | from 0.01",
            "cpus above the catalog's       | {\"cpus\": 3}                  | limits.cpus    | above prowler's limit 2.0",
            "pids that wrap an int          | {\"pids\": 4294967312}         | limits.pids    | between 16 and 1000000",
            "pids above the catalog's       | {\"pids\": 2048}               | limits.pids    | above prowler's limit 1024",
            "an absurd timeout              | {\"timeout\": \"999999999h\"}   | limits.timeout | from 1s to 168h",
            "a timeout above the catalog's  | {\"timeout\": \"5h\"}           | limits.timeout | above prowler's limit 4h",
    })
    void requestLimitsThatLoosenOverflowOrMakeNoSenseGet422NamingTheField(String name, String limits, String field, String message)
            throws Exception {
        HttpResponse<String> response = post("/api/scans", "{\"profile\": \"quick\", \"limits\": " + limits + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        JsonNode error = json.readTree(response.body());
        assertThat(error.get("field").asString()).isEqualTo(field);
        assertThat(error.get("message").asString()).contains(message);
    }

    @Test
    void limitsThatTightenAreAcceptedAndAMaxParallelPastAnIntIsNot() throws Exception {
        assertThat(post("/api/scans", "{\"profile\": \"quick\", \"limits\": {\"memory\": \"1g\", \"cpus\": 0.5, \"pids\": 64, "
                + "\"timeout\": \"30m\"}}").statusCode()).isEqualTo(202);
        HttpResponse<String> wrapped = post("/api/scans", "{\"profile\": \"quick\", \"max_parallel\": 4294967297}");
        assertThat(wrapped.statusCode()).as(wrapped.body()).isEqualTo(400);
        assertThat(json.readTree(wrapped.body()).get("field").asString()).isEqualTo("max_parallel");
    }

    @Test
    void malformedJsonUnknownIdsAndWrongMethodsAreClear4xx() throws Exception {
        HttpResponse<String> malformed = post("/api/scans", "{\"profile\": \"quick\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json.readTree(malformed.body()).get("error").asString()).isEqualTo("malformed_json");

        HttpResponse<String> unknown = get("/api/scans/" + UUID.randomUUID() + "/status");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json.readTree(unknown.body()).get("error").asString()).isEqualTo("scan_not_found");

        HttpResponse<String> notUuid = get("/api/scans/not-a-uuid/errors");
        assertThat(notUuid.statusCode()).isEqualTo(400);
        assertThat(json.readTree(notUuid.body()).get("field").asString()).isEqualTo("id");

        HttpResponse<String> text = http.send(HttpRequest.newBuilder(uri("/api/scans")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("quick")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(415);

        assertThat(get("/api/scans?status=exploded").statusCode()).isEqualTo(400);
        assertThat(get("/api/scans?size=100000").statusCode()).isEqualTo(400);
        assertThat(get("/api/nothing-here").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/scans/profiles/list")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void aCloudEventOnTheTopicCreatesTheSameScanOnceAndAMalformedRecordIsDeadLettered() throws Exception {
        String eventId = UUID.randomUUID().toString();
        String event = """
                {"specversion": "1.0", "id": "%s", "source": "/ci/pipeline-42", "type": "io.nubicustos.scan.requested",
                 "datacontenttype": "application/json", "data": {"profile": "quick", "severity_filter": "critical,high"}}
                """.formatted(eventId);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, eventId, event.getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, eventId, event.getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, "bad", "{\"profile\": \"nope\"}".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, "garbage", new byte[] {(byte) 0xff, 0x7b})).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.sql(
                "select count(*) from scans where request_id = :r").param("r", io.nubicustos.gateway.intake.RequestIds.ofCloudEvent("/ci/pipeline-42", eventId))
                .query(Long.class).single()).isEqualTo(1));
        Map<String, Object> scan = jdbc.sql("select source, profile, array_to_string(severity_filter, ',') as sev from scans where request_id = :r")
                .param("r", io.nubicustos.gateway.intake.RequestIds.ofCloudEvent("/ci/pipeline-42", eventId)).query().singleRow();
        assertThat(scan).containsEntry("source", "kafka").containsEntry("profile", "quick").containsEntry("sev", "critical,high");

        Map<String, String> reasons = new java.util.HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer("dlt-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(Topics.SCAN_REQUESTS_DLT));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    Header reason = record.headers().lastHeader("kafka_dlt-exception-message");
                    reasons.put(record.key(), reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
                }
                assertThat(reasons).containsKeys("bad", "garbage");
            });
        }
        assertThat(reasons.get("bad")).contains("field 'profile'").contains("profile 'nope' does not exist");
        assertThat(reasons.get("garbage")).contains("not UTF-8");
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
