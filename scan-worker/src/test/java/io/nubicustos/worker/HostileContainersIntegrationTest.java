package io.nubicustos.worker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ToolDefinition.CredentialsMount;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.worker.step.StdoutCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A scanner image is third-party code: what it leaves in its report directory, what it prints and what
 * it can read are hostile until proven otherwise. Real Docker engine, real PostgreSQL, real KRaft broker.
 */
@SpringBootTest(properties = {"spring.config.name=scan-worker", "nubicustos.worker.id=worker-hostile", "nubicustos.installation-id=worker-hostile",
        "nubicustos.worker.concurrency=4", "nubicustos.worker.poll-interval=300ms", "nubicustos.worker.orphan-sweep-interval=1h",
        "nubicustos.worker.cancel-check-interval=500ms", "nubicustos.worker.retry-backoff=1s", "nubicustos.worker.stdout-max-size=1MB", "nubicustos.reports.group-id=47991",
        "nubicustos.worker.log-max-size=512KB"})
@RealInfrastructure
class HostileContainersIntegrationTest {

    static final String INSTALLATION = "worker-hostile";

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1";
    static final String LINKS_OUT = "nubicustos-test/cloudmapper:links-out";
    static final String PLANTS_FIFO = "nubicustos-test/cloudmapper:fifo";
    static final String FLOODS = "nubicustos-test/cloudmapper:floods";
    static final String SLOW_STDOUT = "nubicustos-test/cloudmapper:slow";
    static final String SNOOPS = "nubicustos-test/prowler:snoops";
    static final String LINGERS = "nubicustos-test/prowler:lingers";
    static Path reports;
    static Path credentials;
    static Path victim;

    @BeforeAll
    static void images() throws IOException {
        DockerClient docker = DockerClients.local();
        victim = Files.createTempFile("victim", ".txt");
        Files.writeString(victim, "untouched\n");
        Path audit = Samples.file("prowler/prowler5_example_output_aws.ocsf.json");
        StandInImage.tagged(LINKS_OUT).reportPath("/out").printsOnStdout(audit)
                .alsoRuns("$B ln -s '" + victim + "' /out/out.jsonl").exitsWith(0).buildWith(docker);
        StandInImage.tagged(PLANTS_FIFO).reportPath("/out").printsOnStdout(audit)
                .alsoRuns("$B mkfifo /out/out.jsonl").exitsWith(0).buildWith(docker);
        // 12.7 MB of lines on stdout, against a limit of one
        StandInImage.tagged(FLOODS).reportPath("/out")
                .alsoRuns("$B seq 1 400000 | $B sed 's/^/{\"issue\": \"flood\", \"n\": /; s/$/}/'").exitsWith(0).buildWith(docker);
        StandInImage.tagged(SLOW_STDOUT).reportPath("/out").runsFor(4).printsOnStdout(audit).exitsWith(0).buildWith(docker);
        // reads what it can of the credentials, and prints a secret and an access key id
        StandInImage.tagged(SNOOPS).alsoRuns("$B ls /root/.aws; $B grep -h '^\\[' /root/.aws/credentials /root/.aws/config;"
                + " $B echo \"using AKIAIOSFODNN7EXAMPLE with secret " + SECRET + "\"; $B ls -ln -d /reports")
                .exitsWith(0).buildWith(docker);
        StandInImage.tagged(LINGERS).runsFor(8).exitsWith(0).buildWith(docker);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        reports = TestDirectories.create("reports");
        credentials = TestDirectories.create("aws");
        Files.writeString(credentials.resolve("credentials"), """
                [default]
                aws_access_key_id = AKIAIOSFODNN7EXAMPLE
                aws_secret_access_key = %s
                [other-team]
                aws_access_key_id = AKIAOTHERTEAMEXAMPLE
                aws_secret_access_key = other-team-secret-0123456789012345678901
                """.formatted(SECRET));
        Files.writeString(credentials.resolve("config"), """
                [default]
                region = eu-west-1
                [profile other-team]
                region = us-east-1
                """);
        registry.add("nubicustos.reports.path", () -> reports.toString());
        registry.add("nubicustos.credentials.aws-path", () -> credentials.toString());
    }

    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    StdoutCapture capture;

    @AfterEach
    void noContainerIsLeft() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TestRows.managedContainers(INSTALLATION)).isEmpty());
    }

    @Test
    void aLinkPlantedWhereStdoutIsSavedIsNeitherFollowedNorWrittenThrough() throws IOException {
        UUID step = step(TestRows.scan(jdbc), stdoutTool(LINKS_OUT));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));

        assertThat(Files.readString(victim)).as("the file the link points to").isEqualTo("untouched\n");
        assertThat(error(step)).contains("a symbolic link named out.jsonl").contains("neither followed nor opened");
    }

    @Test
    void aFifoPlantedWhereStdoutIsSavedNeitherBlocksNorIsOpened() {
        UUID step = step(TestRows.scan(jdbc), stdoutTool(PLANTS_FIFO));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));

        assertThat(error(step)).contains("a special file (FIFO, socket or device node) named out.jsonl");
    }

    @Test
    void aDeviceNodePlantedWhileTheToolRunsIsNotOpened() throws Exception {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, stdoutTool(SLOW_STDOUT));
        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("running") && !TestRows.managedContainers(INSTALLATION).isEmpty());
        Path planted = reports.resolve(scan + "/cloudmapper/out.jsonl");
        // what a container could do with CAP_MKNOD; ours have none, so the test plants it from the host
        Process mknod = new ProcessBuilder("mknod", planted.toString(), "c", "1", "3").inheritIO().start();
        assertThat(mknod.waitFor()).isZero();

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("failed"));

        assertThat(error(step)).contains("a special file (FIFO, socket or device node) named out.jsonl");
    }

    @Test
    void stdoutPastTheLimitIsCutAtALineAndTheNoteSaysSo() throws IOException {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, stdoutTool(FLOODS));

        await().atMost(Duration.ofSeconds(90)).until(() -> status(step).equals("reporting"));

        Path saved = reports.resolve(scan + "/cloudmapper/out.jsonl");
        assertThat(Files.size(saved)).isLessThanOrEqualTo(1024 * 1024).isGreaterThan(1000 * 1024);
        assertThat(Files.readString(saved)).endsWith("}\n");
        assertThat(jdbc.sql("select capture_note from scan_steps where id = :id").param("id", step).query(String.class).single())
                .contains("standard output truncated: out.jsonl keeps the first").contains("the limit is 1048576");
        Path log = reports.resolve(scan + "/.logs/cloudmapper.log");
        assertThat(Files.size(log)).as("the whole log is bounded too").isLessThan(512 * 1024 + 200).isGreaterThan(500 * 1024);
        assertThat(Files.readAllLines(log).get(Files.readAllLines(log).size() - 1))
                .startsWith("[nubicustos] log truncated: the first").endsWith("(the limit is 524288 bytes); the tool wrote more");
    }

    @Test
    void readingStdoutPastItsTimeLimitStopsThereCutAtALineAndTheNoteSaysSo() throws IOException {
        DockerClient docker = DockerClients.local();
        // the flood's 12.7 MB, read with a limit of one millisecond: no engine serves them that fast
        String container = docker.createContainerCmd(FLOODS).exec().getId();
        try {
            docker.startContainerCmd(container).exec();
            docker.waitContainerCmd(container).start().awaitStatusCode(60, TimeUnit.SECONDS);
            Path directory = Files.createDirectories(reports.resolve("capture-" + UUID.randomUUID()));

            StdoutCapture.Result saved = capture.save(container, directory, "out.jsonl", 64L * 1024 * 1024, Duration.ofMillis(1));

            assertThat(saved.timedOut()).isTrue();
            assertThat(saved.truncated()).isFalse();
            Path report = directory.resolve("out.jsonl");
            assertThat(Files.size(report)).as("not the whole flood").isEqualTo(saved.bytes()).isLessThan(12_000_000);
            String content = Files.readString(report);
            assertThat(content.isEmpty() || content.endsWith("}\n")).as("cut at a whole line").isTrue();
            assertThat(saved.note("out.jsonl", 64L * 1024 * 1024, Duration.ofMillis(1)))
                    .isEqualTo("standard output cut short: reading it took longer than PT0.001S; out.jsonl keeps " + saved.bytes() + " bytes");
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
        }
    }

    @Test
    void aToolSeesOnlyItsOwnProfileItsLogIsRedactedAndItsReportDirectoryIsNotWorldWritable() throws IOException {
        UUID scan = TestRows.scan(jdbc);
        UUID step = step(scan, prowler(SNOOPS));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));

        String tail = jdbc.sql("select log_tail from scan_steps where id = :id").param("id", step).query(String.class).single();
        assertThat(tail).contains("[default]").doesNotContain("other-team").doesNotContain("AKIAOTHERTEAM");
        assertThat(tail).doesNotContain(SECRET).doesNotContain("AKIAIOSFODNN7EXAMPLE").contains("using [REDACTED] with secret [REDACTED]");
        String whole = Files.readString(reports.resolve(scan + "/.logs/prowler.log"));
        assertThat(whole).as("the whole log, redacted like the tail").contains("using [REDACTED] with secret [REDACTED]")
                .contains("stand-in " + SNOOPS + " started").contains("exiting with 0").doesNotContain(SECRET).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        int logsMode = (Integer) Files.getAttribute(reports.resolve(scan + "/.logs"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(logsMode & 0007).as("logs are not readable by other users").isZero();
        Path dir = reports.resolve(scan + "/prowler");
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(mode & 0007).as("no access for other users").isZero();
        assertThat(Files.getAttribute(dir, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(47991);
        String execution = jdbc.sql("select execution_id from scan_steps where id = :id").param("id", step).query(String.class).single();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reports.resolve(".credentials").resolve(execution))
                .as("staged credentials are removed with the step").doesNotExist());
    }

    @Test
    void aStepTakenOverByAnotherWorkerKeepsItsContainerRunning() {
        UUID step = step(TestRows.scan(jdbc), prowler(LINGERS));
        // why: this step's container by its name ({prefix}-{step id's first 12}-{attempt}); another test's container may still
        // be on the engine, being removed
        String named = step.toString().substring(0, 12);
        java.util.function.Supplier<java.util.Optional<String>> ours = () -> TestRows.managedContainers(INSTALLATION).stream()
                .filter(c -> java.util.Arrays.stream(c.getNames()).anyMatch(name -> name.contains(named))).map(c -> c.getId()).findFirst();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("running") && ours.get().isPresent());
        String container = ours.get().orElseThrow();

        // another worker's sweeper takes the step over (same attempt): it now waits for the same container
        jdbc.sql("update scan_steps set owner = 'other-worker', lease_until = now() + interval '1 hour' where id = :id")
                .param("id", step).update();

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).untilAsserted(() ->
                assertThat(DockerClients.local().inspectContainerCmd(container).exec().getState().getRunning()).isTrue());
        await().atMost(Duration.ofSeconds(30)).until(() -> !DockerClients.local().inspectContainerCmd(container).exec().getState().getRunning());
        assertThat(DockerClients.local().inspectContainerCmd(container).exec().getState().getExitCodeLong()).as("it ran to its end").isZero();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(status(step)).as("left for its new owner to settle").isEqualTo("running");
            assertThat(TestRows.managedContainers(INSTALLATION)).as("not removed by the worker that let go").isNotEmpty();
        });
        DockerClients.local().removeContainerCmd(container).withForce(true).exec();
    }

    @Test
    void aContainerPlantedUnderAStepsNameIsNeverStartedAndTheStepRunsUnderItsNextName() {
        UUID step = UUID.randomUUID();
        String name = "prowler-scan-" + step.toString().substring(0, 12) + "-1";
        String planted = DockerClients.local().createContainerCmd(LINGERS).withName(name).exec().getId();
        try {
            step(TestRows.scan(jdbc), prowler(SNOOPS), step);

            await().atMost(Duration.ofSeconds(60)).until(() -> status(step).equals("reporting"));
            assertThat(jdbc.sql("select attempt from scan_steps where id = :id").param("id", step).query(Integer.class).single())
                    .as("the first attempt gave way, the second ran under its own name").isEqualTo(2);
            var state = DockerClients.local().inspectContainerCmd(planted).exec().getState();
            assertThat(state.getStatus()).as("the planted container was never started").isEqualTo("created");
        } finally {
            DockerClients.local().removeContainerCmd(planted).withForce(true).exec();
        }
    }

    private static StepPlan stdoutTool(String image) {
        return new StepPlan("cloudmapper", image, "cloudmapper-scan", List.of("audit", "--json"), null, "/out", null,
                null, Map.of("AWS_PROFILE", "default"), List.of(0), Map.of(), "out.jsonl", "cloudmapper-audit", ResourceLimits.NONE);
    }

    private static StepPlan prowler(String image) {
        return new StepPlan("prowler", image, "prowler-scan", List.of("aws"), null, "/reports", new CredentialsMount("aws", "/root/.aws"),
                null, Map.of("AWS_PROFILE", "default"), List.of(0, 1, 3), Map.of(), null, "prowler", ResourceLimits.NONE);
    }



    private UUID step(UUID scan, StepPlan plan) {
        return step(scan, plan, UUID.randomUUID());
    }

    private UUID step(UUID scan, StepPlan plan, UUID id) {
        jdbc.sql("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (:id, :scan, :tool, 0, 'queued', cast(:plan as jsonb), :now)")
                .param("id", id).param("scan", scan).param("tool", plan.tool()).param("plan", json.writeValueAsString(plan))
                .param("now", OffsetDateTime.now()).update();
        return id;
    }

    private String status(UUID step) {
        return jdbc.sql("select status from scan_steps where id = :id").param("id", step).query(String.class).single();
    }

    private String error(UUID step) {
        return jdbc.sql("select error from scan_steps where id = :id").param("id", step).query(String.class).single();
    }
}
