package io.nubicustos.worker;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ToolDefinition;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Bind;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.worker.recovery.OrphanRecovery;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Container;
import io.nubicustos.model.messaging.StepCommand;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.worker.docker.ContainerExits;
import io.nubicustos.worker.docker.ContainerRunner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker against a real Docker engine, a real PostgreSQL and a real KRaft broker. */
@SpringBootTest(properties = {"spring.config.name=scan-worker", "nubicustos.worker.id=worker-it", "nubicustos.installation-id=worker-it",
        "nubicustos.worker.concurrency=2", "nubicustos.worker.lease-duration=3s", "nubicustos.worker.lease-renew-interval=1s",
        "nubicustos.worker.poll-interval=500ms", "nubicustos.worker.orphan-sweep-interval=1h",
        "nubicustos.worker.retry-backoff=1s"})
@RealInfrastructure(partitions = 2)
class WorkerIntegrationTest {

    static final String INSTALLATION = "worker-it";

    static final String FINDS = "nubicustos-test/prowler:finds";
    static final String BROKEN = "nubicustos-test/prowler:broken";
    static final String SLOW = "nubicustos-test/prowler:slow";
    static final String HANGS = "nubicustos-test/prowler:hangs";
    static final String GREEDY = "nubicustos-test/prowler:greedy";
    static final String NO_ENTRYPOINT = "nubicustos-test/scoutsuite:no-entrypoint";
    static Path reports;
    static Path credentials;

    @BeforeAll
    static void images() throws IOException {
        DockerClient docker = DockerClients.local();
        StandInImage.tagged(FINDS).writes("prowler-output-123456789012-20240603141519.ocsf.json",
                Samples.file("prowler/prowler421_aws_many_vuln_muted.ocsf.json")).exitsWith(3).buildWith(docker);
        StandInImage.tagged(BROKEN).complainsOnStderr("botocore.exceptions.NoCredentialsError: Unable to locate credentials")
                .exitsWith(2).buildWith(docker);
        StandInImage.tagged(SLOW).runsFor(4).writes("p.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .exitsWith(0).buildWith(docker);
        StandInImage.tagged(HANGS).runsFor(600).exitsWith(0).buildWith(docker);
        StandInImage.tagged(NO_ENTRYPOINT).withMissingEntrypoint("scout").buildWith(docker);
        // a shell variable of 100 MB in a container limited to 32 MB
        StandInImage.tagged(GREEDY).alsoRuns("X=$($B head -c 104857600 /dev/zero | $B tr '\\0' 'a')").exitsWith(0).buildWith(docker);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        reports = TestDirectories.create("reports");
        credentials = TestDirectories.create("aws");
        Files.writeString(credentials.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.reports.path", () -> reports.toString());
        registry.add("nubicustos.credentials.aws-path", () -> credentials.toString());
    }

    @Autowired
    JdbcClient jdbc;
    @Autowired
    KafkaTemplate<String, String> kafka;
    @Autowired
    ObjectMapper json;
    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    OrphanRecovery orphans;

    @AfterEach
    void noContainerIsLeft() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(TestRows.managedContainers(INSTALLATION)).isEmpty());
    }

    @Test
    void aStepCommandRunsTheContainerAndHandsTheReportOn() throws Exception {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, FINDS);

        send(scan, step);

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));
        Map<String, Object> row = jdbc.sql("select exit_code, log_tail, attempt, owner, container_name from scan_steps where id = :id")
                .param("id", step).query().singleRow();
        assertThat(row).containsEntry("exit_code", 3).containsEntry("attempt", 1).containsEntry("owner", "worker-it");
        assertThat((String) row.get("container_name")).startsWith("prowler-scan-" + step.toString().substring(0, 12));
        assertThat((String) row.get("log_tail")).contains("started with: aws --output-formats json-ocsf");
        assertThat(reports.resolve(scan + "/prowler/prowler-output-123456789012-20240603141519.ocsf.json")).exists();
        assertThat(jdbc.sql("select status from scans where id = :id").param("id", scan).query(String.class).single()).isEqualTo("running");
        assertThat(completions()).anySatisfy(r -> assertThat(r.value()).contains(step.toString()).contains("\"status\":\"reporting\""));

        // a replayed or duplicated command claims nothing: no second attempt, no second container
        send(scan, step);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                jdbc.sql("select attempt from scan_steps where id = :id").param("id", step).query(Integer.class).single()).isEqualTo(1));
    }

    @Test
    void theEnginesDieEventTellsAnExitEvenToOneWhoAsksAfterIt() throws Exception {
        ContainerExits exits = context.getBean(ContainerExits.class);
        var docker = DockerClients.local();
        String exited = docker.createContainerCmd(BROKEN).withLabels(context.getBean(ContainerRunner.class).ownLabels())
                .exec().getId();
        try {
            docker.startContainerCmd(exited).exec();
            docker.waitContainerCmd(exited).exec(new WaitContainerResultCallback())
                    .awaitStatusCode(30, TimeUnit.SECONDS);

            assertThat(exits.expect(exited).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new ContainerExits.Exit(2, false));
        } finally {
            exits.forget(exited);
            docker.removeContainerCmd(exited).withForce(true).exec();
        }
    }

    @Test
    void anUnexpectedExitCodeFailsTheStepWithTheCodeAndTheLogTail() throws Exception {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, BROKEN);

        send(scan, step);

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));
        Map<String, Object> row = jdbc.sql("select exit_code, error, log_tail from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat(row).containsEntry("exit_code", 2);
        assertThat((String) row.get("error")).contains("exited with code 2").contains("[0, 1, 3]");
        assertThat((String) row.get("log_tail")).contains("[stderr] botocore.exceptions.NoCredentialsError");
    }

    @Test
    void anImageThatCannotStartIsTheToolsFailureNotTheHostsAndOtherToolsKeepRunning() throws Exception {
        UUID scan = TestRows.scan(jdbc);
        UUID other = TestRows.scan(jdbc);
        UUID broken = step(scan, NO_ENTRYPOINT);
        UUID absent = step(other, "nubicustos-test/absent:never-built");

        send(scan, broken);
        send(other, absent);

        await().atMost(Duration.ofSeconds(90)).until(() -> status(broken).equals("failed") && status(absent).equals("failed"));
        assertThat(jdbc.sql("select error from scan_steps where id = :id").param("id", broken).query(String.class).single())
                .contains("image " + NO_ENTRYPOINT + " cannot start").contains("executable file not found");
        assertThat(jdbc.sql("select error from scan_steps where id = :id").param("id", absent).query(String.class).single())
                .contains("image nubicustos-test/absent:never-built is not present on Docker host").contains("could not be pulled");
        assertThat(context.getBean(io.nubicustos.worker.docker.HostHealth.class).mayClaim()).as("the worker stays healthy").isTrue();

        UUID third = TestRows.scan(jdbc);
        UUID after = step(third, FINDS);
        send(third, after);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(after).equals("reporting"));
    }

    @Test
    void aQueuedStepWhoseRecordWasLostIsStillRunByAnIdleWorker() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, FINDS);

        // no Kafka record at all: Postgres is the truth, the poller finds it
        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));
    }

    @Test
    void aRunningStepWhoseWorkerDiedIsAdoptedAndItsContainerWaitedFor() throws Exception {
        UUID scan = TestRows.scan(jdbc);
        UUID step = orphan(scan, SLOW);
        // another worker claimed it and started its container, then died (its lease expires)
        String name = "prowler-scan-" + step.toString().substring(0, 12) + "-1";
        jdbc.sql("""
                update scan_steps set status = 'running', owner = 'dead-worker', attempt = 1, lease_until = now() - interval '1 second',
                       execution_id = :exec, container_name = :name where id = :id
                """).param("exec", name.substring("prowler-scan-".length())).param("name", name).param("id", step).update();
        Files.createDirectories(reports.resolve(scan + "/prowler"));
        DockerClient docker = DockerClients.local();
        String id = docker.createContainerCmd(SLOW).withName(name)
                .withLabels(Map.of("io.nubicustos.managed", "true", "io.nubicustos.step", step.toString(), "io.nubicustos.attempt", "1"))
                .withHostConfig(HostConfig.newHostConfig().withBinds(
                        Bind.parse(reports.resolve(scan + "/prowler") + ":/reports")))
                .exec().getId();
        docker.startContainerCmd(id).exec();

        assertThat(orphans.runOnce()).as("taken over by this sweep, not a scheduled one").isPositive();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));
        Map<String, Object> row = jdbc.sql("select owner, attempt, exit_code from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat(row).containsEntry("owner", "worker-it").containsEntry("attempt", 1).containsEntry("exit_code", 0);
        assertThat(reports.resolve(scan + "/prowler/p.ocsf.json")).exists();
    }

    @Test
    void aRunningStepWhoseContainerVanishedIsRetriedAndEveryAttemptIsRecorded() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = orphan(scan, SLOW);
        vanished(step, 1);
        assertThat(orphans.runOnce()).isPositive();

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));
        assertThat(jdbc.sql("select attempt from scan_steps where id = :id").param("id", step).query(Integer.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("select attempt || ':' || outcome from step_attempts where step_id = :id order by attempt")
                .param("id", step).query(String.class).list()).containsExactly("2:exited 0");
        assertThat(jdbc.sql("select error from scan_steps where id = :id").param("id", step).query(String.class).single())
                .contains("container prowler-scan-gone-1 vanished").contains("retrying (attempt 1 of 3)");
    }

    @Test
    void aStepWhoseContainerVanishesOnItsLastAttemptFailsWithAClearReason() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = orphan(scan, SLOW);
        vanished(step, 3);
        assertThat(orphans.runOnce()).isPositive();

        await().atMost(Duration.ofSeconds(30)).until(() -> status(step).equals("failed"));
        assertThat(jdbc.sql("select error from scan_steps where id = :id").param("id", step).query(String.class).single())
                .contains("container prowler-scan-gone-1 vanished").contains("(attempt 3 of 3)");
    }

    @Test
    void aToolPastItsTimeoutIsKilledAndFailsSayingSo() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, HANGS, new ResourceLimits(null, null, null, "3s"));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));
        Map<String, Object> row = jdbc.sql("select error, log_tail from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat((String) row.get("error")).startsWith("timed out after 3s");
        assertThat((String) row.get("log_tail")).contains("started with: aws");
    }

    @Test
    void aToolOverItsMemoryLimitFailsAsOutOfMemory() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, GREEDY, new ResourceLimits("32m", 0.5, 64, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));
        Map<String, Object> row = jdbc.sql("select error, oom_killed from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat((String) row.get("error")).startsWith("out of memory (limit 32m)");
        assertThat(row.get("oom_killed")).isEqualTo(true);
    }

    @Test
    void aCancelledStepsContainerIsKilledWithinSeconds() {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, HANGS);
        await().atMost(Duration.ofSeconds(60)).until(() -> !TestRows.managedContainers(INSTALLATION).isEmpty() && status(step).equals("running"));

        jdbc.sql("update scan_steps set status = 'cancelled', completed_at = now() where id = :id").param("id", step).update();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(TestRows.managedContainers(INSTALLATION)).isEmpty());
        assertThat(status(step)).isEqualTo("cancelled");
    }

    @Test
    void atStartUpContainersWithOurLabelsThatNoRunningStepOwnsAreRemoved() {
        UUID scan = TestRows.scan(jdbc);
        UUID finished = step(scan, SLOW);
        jdbc.sql("update scan_steps set status = 'succeeded', attempt = 1 where id = :id").param("id", finished).update();
        DockerClient docker = DockerClients.local();
        String leftover = docker.createContainerCmd(HANGS).withName("prowler-scan-leftover-1")
                .withLabels(Map.of("io.nubicustos.managed", "true", "io.nubicustos.step", finished.toString(), "io.nubicustos.attempt", "1"))
                .exec().getId();
        docker.startContainerCmd(leftover).exec();
        String stranger = docker.createContainerCmd(HANGS).withName("not-ours").exec().getId();
        // another installation on the same engine: its step id even names one of ours
        String neighbours = docker.createContainerCmd(HANGS).withName("prowler-scan-neighbour-1").withLabels(Map.of("io.nubicustos.managed", "true",
                "io.nubicustos.installation", "staging", "io.nubicustos.step", finished.toString(), "io.nubicustos.attempt", "1")).exec().getId();
        docker.startContainerCmd(neighbours).exec();
        // from a version before installation ids, of a step this installation never had
        String unknownLegacy = docker.createContainerCmd(HANGS).withName("prowler-scan-legacy-1").withLabels(Map.of("io.nubicustos.managed", "true",
                "io.nubicustos.step", UUID.randomUUID().toString(), "io.nubicustos.attempt", "1")).exec().getId();

        context.publishEvent(new ApplicationReadyEvent(
                new SpringApplication(), new String[0], context, Duration.ZERO));

        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(exists(leftover))
                    .as("our leftover (no installation label: from before ids, and its step is ours) is reaped").isFalse());
            assertThat(exists(unknownLegacy)).as("from before ids, of a step this installation never had: maybe another's").isTrue();
            assertThat(docker.inspectContainerCmd(stranger).exec().getName()).as("containers without our label are left alone").isEqualTo("/not-ours");
            assertThat(docker.inspectContainerCmd(neighbours).exec().getState().getRunning()).as("another installation's").isTrue();
        } finally {
            for (String id : new String[] {stranger, neighbours, unknownLegacy}) {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
        }
    }

    private static boolean exists(String container) {
        try {
            DockerClients.local().inspectContainerCmd(container).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return false;
        }
    }

    private void vanished(UUID step, int attempt) {
        jdbc.sql("""
                update scan_steps set status = 'running', owner = 'dead-worker', attempt = :attempt, lease_until = now() - interval '1 second',
                       container_name = 'prowler-scan-gone-1', container_id = 'f00dfeedf00dfeed' where id = :id
                """).param("attempt", attempt).param("id", step).update();
    }



    private UUID step(UUID scan, String image) {
        return step(scan, image, ResourceLimits.NONE);
    }

    private UUID step(UUID scan, String image, ResourceLimits limits) {
        return step(scan, image, limits, "queued");
    }

    /** A step of another worker that died: running from the start, so this worker's poller never claims it first. */
    private UUID orphan(UUID scan, String image) {
        return step(scan, image, ResourceLimits.NONE, "running");
    }

    private UUID step(UUID scan, String image, ResourceLimits limits, String status) {
        UUID id = UUID.randomUUID();
        StepPlan plan = new StepPlan("prowler", image, "prowler-scan",
                List.of("aws", "--output-formats", "json-ocsf", "html", "csv", "--output-directory", "/reports"), null, "/reports",
                new ToolDefinition.CredentialsMount("aws", "/home/prowler/.aws"),
                "nubicustos_security-net", Map.of("SCAN_ID", scan.toString(), "AWS_PROFILE", "default"), List.of(0, 1, 3),
                Map.of(), null, "prowler", limits);
        jdbc.sql("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (:id, :scan, 'prowler', 0, :status, cast(:plan as jsonb), :now)")
                .param("id", id).param("status", status).param("scan", scan).param("plan", json.writeValueAsString(plan)).param("now", OffsetDateTime.now()).update();
        return id;
    }

    private void send(UUID scan, UUID step) throws Exception {
        kafka.send(Topics.TOOL_STEPS, step.toString(), json.writeValueAsString(new StepCommand(step, scan, "prowler"))).get();
    }

    private String status(UUID step) {
        return jdbc.sql("select status from scan_steps where id = :id").param("id", step).query(String.class).single();
    }

    private List<ConsumerRecord<String, String>> completions() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "completions-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.STEP_COMPLETED));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        return records;
    }
}
