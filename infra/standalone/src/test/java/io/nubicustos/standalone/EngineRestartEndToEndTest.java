package io.nubicustos.standalone;

import io.nubicustos.testsupport.DockerEngineProcess;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Docker engine the worker uses is restarted (SIGTERM, then started again) while three tools run.
 * With {@code --live-restore} the containers keep running: the worker waits the restart out and finds them
 * again, so each step runs once. Without it the engine stops the containers: each step is handed back to
 * the queue and runs again. Either way no step fails for it, and no container is left behind.
 */
// why: starts Docker engines of its own; -DexcludedGroups=extra-docker-engine leaves it out on a machine that cannot
@Tag("extra-docker-engine")
class EngineRestartEndToEndTest {

    private DockerEngineProcess engine;
    private NubicustosStandalone system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @ParameterizedTest(name = "live restore {0}")
    @ValueSource(booleans = {true, false})
    void aDockerEngineRestartedWhileStepsRunFailsNoStep(boolean liveRestore) throws Exception {
        engine = DockerEngineProcess.start(liveRestore);
        StandInImage.forTool("prowler").runsFor(15)
                .writes("prowler-output-123456789012-20240603141519.ocsf.json", Samples.file("prowler/prowler421_aws_many_vuln_muted.ocsf.json"))
                .exitsWith(3).buildWith(engine.client());
        Path data = TestDirectories.create("nubicustos-engine-restart");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        String database = TestPostgres.newDatabase();
        system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null, Ports.free(), Ports.free(), 0, 0, 0, 0,
                Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                        "nubicustos.docker.host", engine.host(), "nubicustos.worker.concurrency", "4",
                        "nubicustos.worker.poll-interval", "500ms", "nubicustos.worker.retry-backoff", "3s",
                        "nubicustos.processor.sweep-interval", "1s", "nubicustos.outbox.poll-interval", "100ms")));
        Api api = new Api(system.apiPort());
        List<String> scans = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            scans.add(api.submit("{\"profile\": \"quick\"}"));
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> engine.client().listContainersCmd()
                .withLabelFilter(Map.of("io.nubicustos.managed", "true")).withStatusFilter(List.of("running")).exec().size() == 3);

        engine.restart();

        for (String scanId : scans) {
            JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));
            JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
            assertThat(status.get("status").asString()).as(step.toString()).isEqualTo("completed");
            assertThat(status.at("/findings/suppressed").asInt()).isEqualTo(3);
            assertThat(step.get("exit_code").asInt()).as("the tool's own exit code: its container ran to its end").isEqualTo(3);
            if (liveRestore) {
                assertThat(step.get("attempt").asInt()).as("found again, not run again").isEqualTo(1);
            }
        }
        if (liveRestore) {
            assertThat(attemptOutcomes(database)).as("each tool ran once, to its end: none killed or removed by the recovery")
                    .containsExactly("1 exited 3: ", "1 exited 3: ", "1 exited 3: ");
        } else {
            assertThat(attemptOutcomes(database)).as("stopped by the engine, then run again")
                    .anySatisfy(outcome -> assertThat(outcome).contains("retried").contains("stopped from outside the tool"));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(engine.client().listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of("io.nubicustos.managed", "true")).exec()).isEmpty());
    }

    private static List<String> attemptOutcomes(String database) throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select attempt || ' ' || outcome || ': ' || coalesce(error, '') from step_attempts order by step_id, attempt")) {
            while (rs.next()) {
                outcomes.add(rs.getString(1));
            }
        }
        return outcomes;
    }
}
