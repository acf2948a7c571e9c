package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The standalone process is killed with SIGKILL, or stopped with SIGTERM, while a tool's container runs,
 * then started again on the same data directory: the scan still finishes with the right counts, the container is
 * adopted (not run twice) and removed.
 */
class StandaloneRestartEndToEndTest {

    private Path data;
    private ChildProcesses children;

    @AfterEach
    void stopEverything() throws Exception {
        if (children != null) {
            children.close();
        }
    }

    @Test
    void killedWhileAToolRunsTheRestartedSystemAdoptsTheContainerAndFinishesTheScan() throws Exception {
        stopWhileAToolRunsAndRestart(first -> first.destroyForcibly().waitFor());
    }

    /**
     * What an orchestrator does (Kubernetes sends SIGTERM and kills 30 s later): the system stops in at most
     * 10 s without waiting for the tool, and the tool's container keeps running for the next start to adopt.
     */
    @Test
    void stoppedWithSigtermWhileAToolRunsItExitsWithinTenSecondsAndTheRestartAdoptsTheContainer() throws Exception {
        stopWhileAToolRunsAndRestart(first -> {
            first.destroy();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s of SIGTERM; its log:\n" + children.log("first.log"))
                    .isTrue();
        });
    }

    private interface Stop {
        void stop(Process first) throws Exception;
    }

    private void stopWhileAToolRunsAndRestart(Stop stop) throws Exception {
        StandInTools.removeLeftovers();
        StandInTools.prowler421(20);
        data = TestDirectories.create("nubicustos-restart");
        children = new ChildProcesses(data);
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        Map<String, String> env = ChildProcesses.environment(data);
        Api api = new Api(Integer.parseInt(env.get("PORT")));

        Process first = children.launch(env, "first.log");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(api::isUp);
        String scanId = api.submit("{\"profile\": \"quick\"}");
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
            return "running".equals(step.get("status").asString()) && !step.get("container_started_at").isNull();
        });
        assertThat(StandInTools.managedContainers()).hasSize(1);

        stop.stop(first);

        assertThat(StandInTools.managedContainers()).as("the tool keeps running without us").hasSize(1);
        children.launch(env, "second.log");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(api::isUp);
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));

        assertThat(status.get("status").asString()).as(children.log("second.log")).isEqualTo("completed");
        assertThat(status.at("/findings/total").asInt()).isZero();
        assertThat(status.at("/findings/suppressed").asInt()).isEqualTo(3);
        JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
        assertThat(step.get("attempt").asInt()).as("adopted, not run again").isEqualTo(1);
        assertThat(step.get("exit_code").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(StandInTools.managedContainers()).isEmpty());
    }
}
