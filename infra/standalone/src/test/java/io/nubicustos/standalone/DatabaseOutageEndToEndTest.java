package io.nubicustos.standalone;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL is stopped for 60 seconds while two workers run long tools, and started again. Leases
 * expire meanwhile, so when the database returns the workers may take each other's steps over: a
 * takeover is an adoption, never a kill. Every scan completes, every step ran once (one attempt, the
 * tool's own exit code), and no container was killed by the recovery.
 */
class DatabaseOutageEndToEndTest {

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void runningToolsOutliveADatabaseOutageLongerThanTheirLeasesAndEachStepRunsOnce() throws Exception {
        StandInTools.removeLeftovers();
        StandInImage.forTool("prowler").runsFor(50)
                .writes("prowler-output-123456789012-20240603141519.ocsf.json", Samples.file("prowler/prowler421_aws_many_vuln_muted.ocsf.json"))
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        Path data = TestDirectories.create("nubicustos-db-outage");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        int postgresPort = Ports.free();
        EmbeddedDatabase[] database = {EmbeddedDatabase.start(data.resolve("postgres"), postgresPort)};
        running.add(() -> database[0].close());
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", Ports.free(), Ports.free());
        running.add(broker);
        // why: the embedded database asks for its password (generated into the data directory at its first start)
        Map<String, String> common = Map.of("spring.datasource.username", "postgres", "spring.datasource.password", database[0].password(),
                "nubicustos.worker.lease-duration", "3s", "nubicustos.worker.lease-renew-interval", "1s",
                "nubicustos.worker.orphan-sweep-interval", "2s", "nubicustos.worker.poll-interval", "500ms",
                "nubicustos.processor.sweep-interval", "1s", "nubicustos.outbox.poll-interval", "100ms",
                "spring.datasource.hikari.connection-timeout", "2000");
        NubicustosStandalone first = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database[0].jdbcUrl(),
                broker.bootstrapServers(), 0, 0, 0, 0, 0, 0, with(common, "nubicustos.worker.id", "worker-a")));
        running.add(first);
        NubicustosStandalone second = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database[0].jdbcUrl(),
                broker.bootstrapServers(), 0, 0, 0, 0, 0, 0, with(common, "nubicustos.worker.id", "worker-b"), Set.of("scan-worker")));
        running.add(second);
        Api api = new Api(first.apiPort());
        List<String> scans = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            scans.add(api.submit("{\"profile\": \"quick\", \"aws_profile\": \"" + (i % 2 == 0 ? "default" : "diff-account") + "\"}"));
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> runningContainers() == 4);

        database[0].close();
        // an outage longer than a lease: no tool is stopped, whatever the workers try. Failed renewal rounds are at least
        // a second apart (LeaseKeeper's retry), so five of them span more than the three-second lease; a worker renews
        // (and fails to) only while it holds steps, so the worker that fails most is the one to wait for; the tools run for
        // 50 s, past that even on a loaded machine (five failed rounds take some 20 s)
        List<MeterRegistry> workers = workerMeters(first, second);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .failFast("a tool was stopped during the outage", () -> runningContainers() < 4)
                .until(() -> workers.stream().mapToDouble(DatabaseOutageEndToEndTest::renewalFailures).max().orElse(0) >= 5);
        assertThat(runningContainers()).isEqualTo(4);
        database[0] = EmbeddedDatabase.start(data.resolve("postgres"), postgresPort);

        for (String scanId : scans) {
            JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));
            JsonNode step = api.getJson("/api/scans/" + scanId).at("/steps/0");
            assertThat(status.get("status").asString()).as(step.toString()).isEqualTo("completed");
            assertThat(step.get("attempt").asInt()).as("ran once").isEqualTo(1);
            assertThat(step.get("exit_code").asInt()).as("the tool's own exit, not a kill").isEqualTo(3);
            assertThat(status.at("/findings/suppressed").asInt()).isEqualTo(3);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(StandInTools.managedContainers()).isEmpty());
    }

    /** The meters of every worker of the given systems (each in a Spring context of its own). */
    private static List<MeterRegistry> workerMeters(NubicustosStandalone... systems) {
        List<MeterRegistry> meters = new ArrayList<>();
        for (NubicustosStandalone system : systems) {
            for (ConfigurableApplicationContext context : system.contexts()) {
                if (context.getBeanNamesForType(io.nubicustos.worker.ScanWorkerApplication.class).length > 0) {
                    meters.add(context.getBean(MeterRegistry.class));
                }
            }
        }
        assertThat(meters).as("two workers").hasSize(2);
        return meters;
    }

    private static double renewalFailures(MeterRegistry meters) {
        Counter failures = meters.find("nubicustos.worker.lease.renewal.failures").counter();
        return failures == null ? 0 : failures.count();
    }

    private static long runningContainers() {
        return StandInTools.managedContainers().stream().filter(c -> "running".equals(c.getState())).count();
    }

    private static Map<String, String> with(Map<String, String> common, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(common);
        all.put(key, value);
        return all;
    }
}
