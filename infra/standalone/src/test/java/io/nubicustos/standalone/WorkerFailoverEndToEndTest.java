package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two scan-worker processes share the fleet; the one running a tool's container is killed with
 * SIGKILL. The survivor takes the expired lease over and adopts the container: the step completes
 * once (same attempt, no second container) and its findings are all there.
 */
class WorkerFailoverEndToEndTest {

    private Path data;
    private ChildProcesses children;
    private EmbeddedKafkaBroker broker;
    private NubicustosStandalone rest;

    @AfterEach
    void stop() throws Exception {
        if (children != null) {
            children.close();
        }
        if (rest != null) {
            rest.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aWorkerKilledWhileItsContainerRunsIsAdoptedByTheSurvivorWithNoSecondRun() throws Exception {
        StandInTools.removeLeftovers();
        StandInTools.prowler421(15);
        data = TestDirectories.create("nubicustos-failover");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        children = new ChildProcesses(data);
        int kafkaPort = Ports.free();
        broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", kafkaPort, Ports.free());
        String database = TestPostgres.newDatabase();
        rest = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, broker.bootstrapServers(), 0, 0, 0, 0, 0, 0,
                Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                        "nubicustos.processor.sweep-interval", "1s", "nubicustos.outbox.poll-interval", "100ms"),
                java.util.Set.of("api-gateway", "report-processor")));
        Api api = new Api(rest.apiPort());
        Map<String, Process> workers = new HashMap<>();
        for (String id : new String[] {"worker-a", "worker-b"}) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "NUBICUSTOS_DATA_DIR", data.toString(), "NUBICUSTOS_SERVICES", "scan-worker",
                    "DATABASE_URL", database, "DATABASE_USER", "postgres", "DATABASE_PASSWORD", "",
                    "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "WORKER_ID", id, "WORKER_PORT", Integer.toString(Ports.free())));
            env.putAll(Map.of("NUBICUSTOS_WORKER_LEASEDURATION", "6s", "NUBICUSTOS_WORKER_LEASERENEWINTERVAL", "2s",
                    "NUBICUSTOS_WORKER_ORPHANSWEEPINTERVAL", "1s", "NUBICUSTOS_WORKER_POLLINTERVAL", "500ms"));
            workers.put(id, children.launch(env, id + ".log"));
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> children.log("worker-a.log").contains("Started NubicustosStandalone")
                && children.log("worker-b.log").contains("Started NubicustosStandalone"));

        String scanId = api.submit("{\"profile\": \"quick\"}");
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
            return "running".equals(step.get("status").asString()) && !step.get("container_started_at").isNull();
        });
        String owner = api.getJson("/api/scans/" + scanId).at("/steps/0/owner").asString();
        String survivor = owner.equals("worker-a") ? "worker-b" : "worker-a";

        workers.get(owner).destroyForcibly().waitFor();
        assertThat(StandInTools.managedContainers()).as("the tool keeps running without its worker").hasSize(1);

        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));
        assertThat(status.get("status").asString()).as(children.log(survivor + ".log")).isEqualTo("completed");
        assertThat(status.at("/findings/suppressed").asInt()).as("no findings lost").isEqualTo(3);
        JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
        assertThat(step.get("attempt").asInt()).as("adopted, not run twice").isEqualTo(1);
        assertThat(step.get("owner").asString()).isEqualTo(survivor);
        assertThat(children.log(survivor + ".log")).contains("lost its worker (lease expired); adopting it");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(StandInTools.managedContainers()).isEmpty());
    }
}
