package io.nubicustos.standalone;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.StandIns;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system in one JVM (embedded KRaft broker, real PostgreSQL, real Docker engine), driven
 * through its REST API and its Kafka topic with stand-in tool images that write the real samples.
 * The API listens on 8000, as in the specification, so that its CI/CD script runs unchanged.
 */
class StandaloneEndToEndTest {

    static NubicustosStandalone system;
    static Api api;
    static int kafkaPort;

    @BeforeAll
    static void start() {
        system = RunningSystem.get();
        api = RunningSystem.api();
        kafkaPort = RunningSystem.kafkaPort();
    }

    @Test
    void everyServiceHasHealthProbesAndPrometheusMetrics() {
        StandInTools.prowler421(0);
        api.awaitTerminal(api.submit("{\"profile\": \"quick\"}"), Duration.ofMinutes(2));
        List<Api> services = system.contexts().stream()
                .map(c -> new Api(Integer.parseInt(c.getEnvironment().getProperty("local.server.port")))).toList();

        for (Api service : services) {
            assertThat(service.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            assertThat(service.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
        assertThat(services.get(0).get("/actuator/prometheus").body())
                .contains("nubicustos_scans_submitted_total{", "profile=\"quick\"", "nubicustos_outbox_backlog");
        assertThat(services.get(1).get("/actuator/prometheus").body())
                .contains("nubicustos_steps_finished_total{", "tool=\"prowler\"", "nubicustos_step_duration_seconds_count{");
        assertThat(services.get(2).get("/actuator/prometheus").body())
                .contains("nubicustos_scans_finished_total{", "outcome=\"completed\"", "nubicustos_report_processing_seconds_count{");
    }

    @Test
    void replayingTheStepsTopicFromOffsetZeroStartsNoContainerAgain() throws Exception {
        StandInTools.prowler421(0);
        api.awaitTerminal(api.submit("{\"profile\": \"quick\"}"), Duration.ofMinutes(2));
        java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
        Properties consumerProps = new Properties();
        consumerProps.put("bootstrap.servers", "localhost:" + kafkaPort);
        consumerProps.put("group.id", "replay-" + UUID.randomUUID());
        consumerProps.put("auto.offset.reset", "earliest");
        consumerProps.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(consumerProps)) {
            // why: read to the end offsets the broker gives, not until a quiet spell: the end is an event, not a hold
            var partitions = consumer.partitionsFor(Topics.TOOL_STEPS).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        long attemptsBefore = totalAttempts();

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (var record : records) {
                producer.send(new ProducerRecord<>(Topics.TOOL_STEPS, record.key(), record.value())).get();
            }
        }

        assertThat(records).as("every step ever queued").isNotEmpty();
        // why: once the workers' group has committed past every replayed record, each was handled: what did not happen
        // then will not (the records are wake-ups; the claim finds nothing queued)
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", "localhost:" + kafkaPort))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> workersCaughtUp(admin));
        }
        assertThat(StandInTools.managedContainers()).isEmpty();
        assertThat(totalAttempts()).isEqualTo(attemptsBefore);
    }

    /** The scan workers' group has committed, on every partition of the steps topic, the topic's end offset. */
    private static boolean workersCaughtUp(org.apache.kafka.clients.admin.Admin admin) throws Exception {
        var committed = admin.listConsumerGroupOffsets("nubicustos-scan-workers").partitionsToOffsetAndMetadata().get();
        var steps = committed.keySet().stream().filter(p -> p.topic().equals(Topics.TOOL_STEPS)).toList();
        var latest = admin.listOffsets(steps.stream().collect(java.util.stream.Collectors.toMap(p -> p,
                p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
        return !steps.isEmpty() && steps.stream().allMatch(p -> committed.get(p) != null && committed.get(p).offset() >= latest.get(p).offset());
    }

    /** The attempts of every step of every scan, through the API. */
    private static long totalAttempts() {
        long total = 0;
        for (JsonNode scan : api.getJson("/api/scans?size=500").get("scans")) {
            for (JsonNode step : api.getJson("/api/scans/" + scan.get("scan_id").asString()).get("steps")) {
                total += step.get("attempt").asLong();
            }
        }
        return total;
    }

    @Test
    void cancellingARunningScanStopsItsContainerWithinSecondsAndItStaysCancelled() {
        StandInTools.prowler421(600);
        String scanId = api.submit("{\"profile\": \"quick\"}");
        await().atMost(Duration.ofMinutes(1)).until(() ->
                !api.getJson("/api/scans/" + scanId).at("/steps/0/container_started_at").isNull());
        assertThat(StandInTools.managedContainers()).hasSize(1);

        var response = api.post("/api/scans/" + scanId + "/cancel", "");

        assertThat(response.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(StandInTools.managedContainers()).isEmpty());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(api.getJson("/api/scans/" + scanId + "/status").get("status").asString()).isEqualTo("cancelled"));
        JsonNode errors = api.getJson("/api/scans/" + scanId + "/errors");
        assertThat(errors.at("/tool_errors/prowler").asString()).contains("cancelled by request");
    }

    @Test
    void theProfilesListNamesTheThreeProfilesAndTheirTools() {
        JsonNode profiles = api.getJson("/api/scans/profiles/list").get("profiles");
        // the specification's three, then the one the shared system's bring-your-own overlay adds
        assertThat(profiles).extracting(p -> p.get("name").asString()).containsExactly("quick", "comprehensive", "compliance-only",
                "bring-your-own");
        assertThat(profiles.get(1).get("tools")).hasSize(7);
    }

    @Test
    void aQuickScanWithProwler42CompletesWithTheReportsUnmutedFailCounts() {
        StandInTools.prowler421(0);

        String scanId = api.submit("{\"profile\": \"quick\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));

        // the 4.2.1 report has 3 FAIL findings, all muted: nothing counts, 3 are kept as suppressed
        assertThat(status.get("status").asString()).isEqualTo("completed");
        assertThat(status.at("/findings/total").asInt()).isZero();
        assertThat(status.at("/findings/critical").asInt()).isZero();
        assertThat(status.at("/findings/high").asInt()).isZero();
        assertThat(status.at("/findings/suppressed").asInt()).isEqualTo(3);
        assertThat(status.get("started_at").isNull()).isFalse();
        assertThat(status.get("completed_at").isNull()).isFalse();
        JsonNode detail = api.getJson("/api/scans/" + scanId);
        assertThat(detail.at("/steps/0/exit_code").asInt()).isEqualTo(3);
        assertThat(detail.at("/steps/0/log_tail").asString()).contains("--severity critical high");
        assertThat(StandInTools.managedContainers()).isEmpty();
    }

    @Test
    void eachStepSaysWhichImageItRanAndTheBytesOfEveryReportFileAndTheSarifExportTheToolsVersion() throws Exception {
        StandInTools.prowler5();
        String engineImageId = StandInTools.DOCKER.inspectImageCmd(StandIns.image("prowler")).exec().getId();

        String scanId = api.submit("{\"profile\": \"quick\"}");
        assertThat(api.awaitTerminal(scanId, Duration.ofMinutes(2)).get("status").asString()).isEqualTo("completed");

        JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
        assertThat(step.get("image_id").asString()).as("the image the container ran, as the engine names it")
                .startsWith("sha256:").isEqualTo(engineImageId);
        assertThat(step.get("tool_version").asString()).as("no OCI version label: the tag").isEqualTo("4.2.4");
        JsonNode reports = step.get("reports");
        assertThat(reports).isNotEmpty();
        for (JsonNode report : reports) {
            Path file = RunningSystem.data().resolve("reports").resolve(scanId).resolve("prowler").resolve(report.get("path").asString());
            assertThat(report.get("size").asLong()).as(report.toString()).isEqualTo(Files.size(file));
            assertThat(report.get("sha256").asString()).as(report.toString())
                    .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        }
        assertThat(reports).extracting(r -> r.get("path").asString()).contains("prowler-output-123456789012-20250101000000.ocsf.json");
        JsonNode sarif = api.read(api.get("/api/scans/" + scanId + "/findings/export?format=sarif").body());
        assertThat(sarif.at("/runs/0/tool/driver/name").asString()).isEqualTo("prowler");
        assertThat(sarif.at("/runs/0/tool/driver/version").asString()).isEqualTo("4.2.4");
    }

    @Test
    void aQuickScanCountsEqualTheFindingsEndpointRows() {
        StandInTools.prowler5();

        String scanId = api.submit("{\"profile\": \"quick\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));

        // the 5.x example: FAIL medium 1, FAIL low 1, MANUAL 3
        assertThat(status.get("status").asString()).isEqualTo("completed");
        assertThat(status.get("findings").toString()).isEqualTo(
                "{\"total\":2,\"critical\":0,\"high\":0,\"medium\":1,\"low\":1,\"info\":0,\"needs_review\":3,\"suppressed\":0,\"triaged\":0}");
        JsonNode findings = api.getJson("/api/scans/" + scanId + "/findings");
        assertThat(findings.get("total").asInt()).isEqualTo(2);
        assertThat(findings.at("/findings/0/severity").asString()).isEqualTo("medium");
        assertThat(api.getJson("/api/scans/" + scanId + "/findings?status=manual").get("total").asInt()).isEqualTo(3);
    }

    @Test
    void theSpecificationsCiCdScriptRunsUnchangedAndStops() throws Exception {
        StandInTools.prowler421(0);
        // the script the compose stack check runs too: the specification's, verbatim, and a line that prints what it saw
        String script = Files.readString(Path.of("../images/spec-ci-cd.sh"));
        Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the script stops").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains(": completed, critical=0");
    }

    @Test
    void aComprehensiveScanWithOneFailingToolEndsFailedAfterTheOthersRan() {
        StandInTools.prowler421(0);
        StandInTools.comprehensiveRest(2);

        String scanId = api.submit("{\"profile\": \"comprehensive\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        JsonNode errors = api.getJson("/api/scans/" + scanId + "/errors");
        assertThat(errors.get("total_tools").asInt()).isEqualTo(7);
        assertThat(errors.get("failed_tools").asInt()).isEqualTo(1);
        assertThat(errors.get("success_tools").asInt()).isEqualTo(6);
        assertThat(errors.at("/tool_errors/cloudsploit").asString()).contains("exited with code 2");
        assertThat(errors.at("/tool_errors/prowler").isNull()).isTrue();
        assertThat(errors.at("/details/cloudsploit/exit_code").asInt()).isEqualTo(2);
        assertThat(errors.at("/details/cloudsploit/log_tail").asString()).contains("AccessDenied on ec2:DescribeFlowLogs");
        JsonNode steps = api.getJson("/api/scans/" + scanId).get("steps");
        assertThat(steps).extracting(s -> s.get("status").asString())
                .containsExactly("succeeded", "succeeded", "succeeded", "failed", "succeeded", "succeeded", "succeeded");
        assertThat(steps.get(6).get("note").asString()).contains("inventory only: Cartography writes its asset graph to Neo4j");
        assertThat(status.at("/findings/suppressed").asInt()).as("prowler's findings are kept").isEqualTo(3);
        assertThat(StandInTools.managedContainers()).isEmpty();
    }

    @Test
    void aComprehensiveScanWithOneToolsImageAbsentFailsThatToolAloneAndTheWorkerKeepsRunningScans() {
        StandInTools.prowler5();
        StandInTools.comprehensiveRest(0);
        String absent = StandIns.image("cloudsploit");
        StandInTools.DOCKER.removeImageCmd(absent).withForce(true).exec();

        String scanId = api.submit("{\"profile\": \"comprehensive\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        JsonNode errors = api.getJson("/api/scans/" + scanId + "/errors");
        assertThat(errors.get("failed_tools").asInt()).isEqualTo(1);
        assertThat(errors.get("success_tools").asInt()).isEqualTo(errors.get("total_tools").asInt() - 1);
        assertThat(errors.at("/tool_errors/cloudsploit").asString()).contains("image " + absent + " is not present on Docker host")
                .contains("infra/dev/standin-images.sh");
        for (int i = 0; i < 4; i++) {
            String quick = api.submit("{\"profile\": \"quick\"}");
            assertThat(api.awaitTerminal(quick, Duration.ofMinutes(2)).get("status").asString()).as(quick).isEqualTo("completed");
        }
        JsonNode workers = api.getJson("/api/workers").get("workers");
        assertThat(workers).isNotEmpty().allSatisfy(w -> assertThat(w.get("healthy").asBoolean()).as(w.toString()).isTrue());
    }

    @Test
    void aComprehensiveScanCompletesWithTheSummedCountsOfEveryTool() {
        StandInTools.prowler421(0);
        StandInTools.comprehensiveRest(0);

        String scanId = api.submit("{\"profile\": \"comprehensive\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));

        // prowler 0 (3 muted) + scoutsuite 356 (32 high, 324 medium) + cloudsploit 5 (4 high, 1 medium)
        // + custodian 1 (medium) + cloudfox, cloudmapper, cartography 0
        assertThat(status.get("status").asString()).as(api.getJson("/api/scans/" + scanId).toString()).isEqualTo("completed");
        assertThat(status.get("findings").toString()).isEqualTo(
                "{\"total\":362,\"critical\":0,\"high\":36,\"medium\":326,\"low\":0,\"info\":0,\"needs_review\":0,\"suppressed\":3,\"triaged\":0}");
        assertThat(api.getJson("/api/scans/" + scanId + "/findings?size=1").get("total").asInt()).isEqualTo(362);
        assertThat(api.getJson("/api/scans/" + scanId + "/findings?size=1&severity=high").get("total").asInt()).isEqualTo(36);
    }

    @Test
    void aComplianceOnlyScanCompletesWithProwlerAndScoutSuiteCounts() {
        StandInTools.prowler421(0);
        StandInTools.comprehensiveRest(0);

        String scanId = api.submit("{\"profile\": \"compliance-only\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));

        assertThat(status.get("status").asString()).isEqualTo("completed");
        assertThat(status.get("findings").toString()).isEqualTo(
                "{\"total\":356,\"critical\":0,\"high\":32,\"medium\":324,\"low\":0,\"info\":0,\"needs_review\":0,\"suppressed\":3,\"triaged\":0}");
        assertThat(api.getJson("/api/scans/" + scanId + "/findings?size=1").get("total").asInt()).isEqualTo(356);
    }

    @Test
    void aDryRunAnswersThePlanAndCreatesNoContainer() {
        StandInTools.prowler421(0);
        long scansBefore = api.getJson("/api/scans").get("total").asLong();

        var response = api.post("/api/scans", "{\"profile\": \"comprehensive\", \"dry_run\": true}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode plan = api.read(response.body());
        assertThat(plan.get("tools")).hasSize(7);
        assertThat(plan.at("/tools/0/container_name_pattern").asString()).isEqualTo("prowler-scan-{execution_id}");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(StandInTools.managedContainers()).isEmpty();
            assertThat(api.getJson("/api/scans").get("total").asLong()).isEqualTo(scansBefore);
        });
    }

    @Test
    void aScanRequestedOnTheTopicRunsLikeARestOne() throws Exception {
        StandInTools.prowler5();
        String eventId = UUID.randomUUID().toString();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaPort);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(Topics.SCAN_REQUESTS, eventId, """
                    {"specversion": "1.0", "id": "%s", "source": "/team/billing", "type": "io.nubicustos.scan.requested",
                     "data": {"profile": "quick", "aws_profile": "default"}}""".formatted(eventId))).get();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> api.getJson("/api/scans?size=50").get("scans").valueStream()
                .anyMatch(s -> "kafka".equals(s.get("source").asString())));
        String scanId = api.getJson("/api/scans?size=50").get("scans").valueStream()
                .filter(s -> "kafka".equals(s.get("source").asString())).findFirst().orElseThrow().get("scan_id").asString();
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));
        assertThat(status.get("status").asString()).isEqualTo("completed");
        assertThat(status.at("/findings/total").asInt()).isEqualTo(2);
    }

}
