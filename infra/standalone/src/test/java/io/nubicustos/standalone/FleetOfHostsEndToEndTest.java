package io.nubicustos.standalone;

import io.nubicustos.testsupport.DockerEngineProcess;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.StandIns;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet of Docker hosts, as an operator adding hosts builds it: several Docker engines (each a real
 * {@code dockerd} with its own socket and data root), one worker each, one PostgreSQL and one Kafka. Fresh
 * engines are prepared once, however many steps start on them at once; a host that cannot run containers
 * takes no work, says why, and takes work again once it can; a step fails on infrastructure only when every
 * attempt did, and then says where.
 */
// why: starts Docker engines of its own; -DexcludedGroups=extra-docker-engine leaves it out on a machine that cannot
@Tag("extra-docker-engine")
class FleetOfHostsEndToEndTest {

    static final String IMAGE = StandIns.image("prowler");
    static final String NETWORK = "nubicustos_security-net";

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String database;
    private String kafka;
    private Path data;
    private Api api;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void threeFreshEnginesRunABurstWithOneToolNetworkEach() throws Exception {
        List<DockerEngineProcess> engines = List.of(engine(true), engine(true), engine(true));
        apiAndProcessor();
        for (int i = 0; i < 3; i++) {
            worker("host-" + (i + 1), engines.get(i), Map.of());
        }
        // why: two workers preparing one fresh engine at once is the race Docker's duplicate check does not close
        worker("host-1-again", engines.get(0), Map.of());

        List<String> scans = submit(24);

        for (String scan : scans) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(3)).get("status").asString()).as(scan).isEqualTo("completed");
        }
        for (DockerEngineProcess engine : engines) {
            assertThat(engine.client().listNetworksCmd().exec()).filteredOn(n -> NETWORK.equals(n.getName()))
                    .as("tool networks on the engine at %s", engine.host()).hasSize(1);
        }
        assertThat(query("select count(*) from step_attempts where outcome is distinct from 'exited 3'")).as("no attempt failed").isEqualTo(0);
        assertThat(query("select count(distinct docker_host) from step_attempts")).as("every host took work").isEqualTo(3);
    }

    @Test
    void aWorkerWhoseEngineCannotRunContainersTakesNoWorkAndSaysWhyUntilItsEngineIsFixed() throws Exception {
        DockerEngineProcess broken = engine(true);
        apiAndProcessor();
        NubicustosStandalone first = worker("healthy-1", engine(true), Map.of());
        NubicustosStandalone second = worker("healthy-2", engine(true), Map.of());
        NubicustosStandalone sick = worker("no-image", broken, BROKEN);

        List<String> scans = submit(24);

        JsonNode report = awaitWorker("no-image", w -> !w.get("healthy").asBoolean());
        assertThat(report.get("unhealthy_reason").asString()).contains("Docker network " + NETWORK + " does not exist");
        assertThat(report.at("/engine/address").asString()).isEqualTo(broken.host());
        long claimedWhileHealthy = query("select count(*) from step_attempts where worker = 'no-image'");
        assertThat(readiness(sick).statusCode()).as("readiness of the sick worker").isEqualTo(503);
        for (String scan : scans) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(3)).get("status").asString()).as(scan).isEqualTo("completed");
        }
        assertThat(query("select count(*) from step_attempts where worker = 'no-image'")).as("claimed nothing once unhealthy")
                .isEqualTo(claimedWhileHealthy);
        assertThat(query("select count(*) from step_attempts where worker = 'no-image' and outcome <> 'retried'")).isEqualTo(0);

        second.close();
        first.close();
        fix(broken);
        awaitWorker("no-image", w -> w.get("healthy").asBoolean());
        assertThat(readiness(sick).statusCode()).isEqualTo(200);
        for (String scan : submit(4)) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(2)).get("status").asString()).as(scan).isEqualTo("completed");
        }
        assertThat(query("select count(*) from step_attempts where worker = 'no-image' and outcome = 'exited 3'"))
                .as("took work again").isEqualTo(4);
    }

    @Test
    void whileTheOnlyHostIsBrokenStepsStayQueuedAndRunWhenItRecovers() throws Exception {
        DockerEngineProcess broken = engine(true);
        apiAndProcessor();
        worker("only", broken, BROKEN);

        List<String> scans = submit(3);

        awaitWorker("only", w -> !w.get("healthy").asBoolean());
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() ->
                query("select count(*) from scan_steps where status = 'queued'") == 3 && query("select count(*) from scans where status = 'failed'") == 0);

        fix(broken);

        for (String scan : scans) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(2)).get("status").asString()).as(scan).isEqualTo("completed");
        }
        assertThat(query("select count(*) from step_attempts where outcome = 'retried' and docker_host like '%" + broken.host() + "%'"))
                .as("attempts spent discovering the broken host").isBetween(3L, 4L);
    }

    @Test
    void aStepWhoseEveryAttemptFailedOnInfrastructureFailsNamingEachHostAndReason() throws Exception {
        DockerEngineProcess broken = engine(true);
        apiAndProcessor();
        // why: a worker that never gives up on its host, so that the step's attempts run out there
        worker("stubborn", broken, Map.of("nubicustos.docker.create-networks", "false", "nubicustos.host.sick-after", "100",
                "nubicustos.worker.max-attempts", "2"));

        String scan = submit(1).get(0);

        assertThat(api.awaitTerminal(scan, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("failed");
        JsonNode errors = api.getJson("/api/scans/" + scan + "/errors");
        assertThat(errors.at("/tool_errors/prowler").asString())
                .contains("every attempt failed on infrastructure")
                .contains("attempt 1 on worker stubborn, Docker engine").contains("attempt 2 on worker stubborn, Docker engine")
                .contains(broken.host()).contains("Docker network " + NETWORK + " does not exist");
        JsonNode attempts = errors.at("/details/prowler/attempts");
        assertThat(attempts.size()).isEqualTo(2);
        for (JsonNode attempt : attempts) {
            assertThat(attempt.get("worker").asString()).isEqualTo("stubborn");
            assertThat(attempt.get("docker_host").asString()).contains(broken.host());
            assertThat(attempt.get("error").asString()).contains("does not exist");
        }
    }

    @Test
    void anImageNoHostHasFailsItsStepsNamingTheImageAndHowToGetItWhileEveryWorkerStaysHealthyAndAStandInIsRunOnlyWhereAllowed() throws Exception {
        DockerEngineProcess without = engine(false);
        apiAndProcessor();
        NubicustosStandalone lacking = worker("lacks-image", without, Map.of("nubicustos.docker.pull-policy", "never",
                "nubicustos.worker.max-attempts", "2"));

        List<String> scans = submit(3);

        for (String scan : scans) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(1)).get("status").asString()).as(scan).isEqualTo("failed");
            assertThat(api.getJson("/api/scans/" + scan + "/errors").at("/tool_errors/prowler").asString())
                    .contains("image " + IMAGE + " is not present on Docker host").contains(without.host())
                    .contains("it is a test stand-in: build the stand-ins with infra/dev/standin-images.sh");
        }
        JsonNode worker = awaitWorker("lacks-image", w -> true);
        assertThat(worker.get("healthy").asBoolean()).as("a missing image is the tool's problem, not the host's").isTrue();
        JsonNode absentHere = prowlerOn("lacks-image");
        assertThat(absentHere.get("present").asBoolean()).as("GET /api/tools says which host lacks it").isFalse();
        assertThat(absentHere.get("image").asString()).isEqualTo(IMAGE);

        without.load(IMAGE);
        String loaded = without.client().inspectImageCmd(IMAGE).exec().getId();
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(prowlerOn("lacks-image").get("image_id").asString()).isEqualTo(loaded));
        assertThat(prowlerOn("lacks-image").get("present").asBoolean()).isTrue();
        for (String scan : submit(4)) {
            assertThat(api.awaitTerminal(scan, Duration.ofMinutes(1)).get("status").asString()).as(scan).isEqualTo("completed");
        }

        // the same stand-in, on a worker not told to run stand-ins: refused, never run, and the worker stays healthy
        lacking.close();
        worker("careful", without, Map.of("nubicustos.docker.allow-standins", "false", "nubicustos.worker.max-attempts", "1"));
        long ran = query("select count(*) from step_attempts where outcome like 'exited%'");
        String refused = submit(1).get(0);
        assertThat(api.awaitTerminal(refused, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("failed");
        assertThat(api.getJson("/api/scans/" + refused + "/errors").at("/tool_errors/prowler").asString())
                .contains("image " + IMAGE + " is a test stand-in (label io.nubicustos.standin=true)");
        assertThat(query("select count(*) from step_attempts where outcome like 'exited%'")).as("it never ran").isEqualTo(ran);
        assertThat(awaitWorker("careful", w -> true).get("healthy").asBoolean()).isTrue();
    }

    /** What GET /api/tools says of the prowler image on one worker's host. */
    private JsonNode prowlerOn(String worker) {
        for (JsonNode tool : api.read(api.get("/api/tools").body())) {
            if (tool.get("tool").asString().equals("prowler")) {
                assertThat(tool.get("image").asString()).isEqualTo(IMAGE);
                for (JsonNode entry : tool.get("workers")) {
                    if (entry.get("worker_id").asString().equals(worker)) {
                        return entry;
                    }
                }
            }
        }
        throw new AssertionError("GET /api/tools does not list worker " + worker + " for prowler");
    }

    /** Settings under which an engine without the tool network cannot run containers (the worker may not create it). */
    private static final Map<String, String> BROKEN = Map.of("nubicustos.docker.create-networks", "false");

    private static void fix(DockerEngineProcess engine) {
        engine.client().createNetworkCmd().withName(NETWORK).withDriver("bridge").exec();
    }

    @Test
    void aContainerOnAnotherEngineOfTheSameMachineIsNeverTakenForVanished() throws Exception {
        // why: engines of one machine (or cloned machines) share Docker's ID; a worker that took another engine's
        // step for its own would find no container, call it vanished and run the tool a second time
        DockerEngineProcess first = engine(true);
        DockerEngineProcess second = engine(true);
        Assumptions.assumeTrue(first.client().infoCmd().exec().getId().equals(second.client().infoCmd().exec().getId()),
                "the engines of this machine have IDs of their own (Docker 23 and later), so they cannot be mistaken for each other");
        StandInImage.forTool("prowler").runsFor(25)
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .exitsWith(3).buildWith(first.client());
        apiAndProcessor();
        Map<String, String> shortLeases = Map.of("nubicustos.worker.lease-duration", "3s", "nubicustos.worker.lease-renew-interval", "1s",
                "nubicustos.worker.orphan-sweep-interval", "1s");
        NubicustosStandalone gone = worker("gone", first, shortLeases);
        String scan = submit(1).get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> query("select count(*) from scan_steps where container_started_at is not null") == 1);
        gone.close();
        worker("elsewhere", second, shortLeases);

        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).until(() ->
                query("select count(*) from step_attempts where worker = 'elsewhere'") == 0);

        worker("gone", first, shortLeases);
        assertThat(api.awaitTerminal(scan, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("completed");
        assertThat(query("select max(attempt) from step_attempts")).as("adopted by its own worker, run once").isEqualTo(1);
    }

    private DockerEngineProcess engine(boolean withImage) {
        DockerEngineProcess engine = DockerEngineProcess.start(false);
        opened.add(engine);
        if (withImage) {
            StandInImage.forTool("prowler").runsFor(1)
                    .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                    .exitsWith(3).buildWith(engine.client());
        } else {
            // why: the image a later load copies into this engine, built on the machine's engine
            StandInImage.forTool("prowler").runsFor(1)
                    .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                    .exitsWith(3).buildWith(StandInTools.DOCKER);
        }
        return engine;
    }

    private void apiAndProcessor() throws Exception {
        data = TestDirectories.create("nubicustos-fleet-of-hosts");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        database = TestPostgres.newDatabase();
        NubicustosStandalone system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null, Ports.free(),
                Ports.free(), 0, 0, 0, 0, common(Map.of()), Set.of("api-gateway", "report-processor")));
        opened.add(system);
        kafka = system.contexts().get(0).getEnvironment().getProperty("spring.kafka.bootstrap-servers");
        api = new Api(system.apiPort());
    }

    private NubicustosStandalone worker(String id, DockerEngineProcess engine, Map<String, String> settings) {
        Map<String, String> worker = new HashMap<>(Map.of("nubicustos.docker.host", engine.host(), "nubicustos.worker.id", id,
                // why: every scan here is of one profile, and the test spreads them over every engine: no cap, no API budget
                "nubicustos.worker.concurrency", "4", "nubicustos.worker.account-cap", "0", "nubicustos.worker.account-budget", "0",
                "nubicustos.worker.poll-interval", "500ms",
                "nubicustos.worker.retry-backoff", "1s", "nubicustos.host.probe-interval", "1s", "nubicustos.host.heartbeat-interval", "1s"));
        worker.putAll(settings);
        NubicustosStandalone system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, kafka, 0, 0, 0, 0, 0, 0,
                common(worker), Set.of("scan-worker")));
        opened.add(system);
        return system;
    }

    private static Map<String, String> common(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                "nubicustos.processor.sweep-interval", "1s", "nubicustos.outbox.poll-interval", "200ms"));
        all.putAll(more);
        return all;
    }

    private List<String> submit(int scans) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scans; i++) {
            ids.add(api.submit("{\"profile\": \"quick\"}"));
        }
        return ids;
    }

    private JsonNode awaitWorker(String id, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        await("worker " + id + " in GET /api/workers").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (JsonNode worker : api.getJson("/api/workers").get("workers")) {
                if (id.equals(worker.get("id").asString()) && condition.test(worker)) {
                    found[0] = worker;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static HttpResponse<String> readiness(NubicustosStandalone worker) throws Exception {
        String port = worker.contexts().get(0).getEnvironment().getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/readiness"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private long query(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
