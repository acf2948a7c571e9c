package io.nubicustos.standalone;

import com.github.dockerjava.api.model.Container;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two installations (a staging and a production one, each with its own database) on one Docker engine, as on a shared
 * CI host: each restarts while the other's scan runs, and neither reaps, adopts nor cancels the other's container.
 */
class SharedEngineEndToEndTest {

    NubicustosStandalone staging;
    NubicustosStandalone production;

    @AfterEach
    void stop() {
        for (NubicustosStandalone system : new NubicustosStandalone[] {staging, production}) {
            if (system != null) {
                system.close();
            }
        }
    }

    record Installation(Path data, String database) {
        static Installation create(String name) throws IOException {
            Path data = TestDirectories.create("nubicustos-" + name);
            Files.createDirectories(data.resolve("credentials/aws"));
            Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
            return new Installation(data, TestPostgres.newDatabase());
        }

        NubicustosStandalone start() {
            return NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null, Ports.free(), Ports.free(), 0, 0, 0, 0,
                    Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                            "nubicustos.worker.poll-interval", "500ms", "nubicustos.worker.orphan-sweep-interval", "1s",
                            "nubicustos.processor.sweep-interval", "1s", "nubicustos.outbox.poll-interval", "100ms")));
        }
    }

    @Test
    void eachInstallationRestartsWhileTheOthersScanRunsAndBothScansRunOnceToTheirEnd() throws Exception {
        StandInTools.prowler421(25);
        Installation stagingSite = Installation.create("staging");
        Installation productionSite = Installation.create("production");
        staging = stagingSite.start();
        production = productionSite.start();

        String stagingScan = runningScan(staging);
        String stagingInstallation = installationOf(stagingScan);
        production.close();
        production = productionSite.start();
        assertThat(completedOnce(staging, stagingScan)).as("staging's scan, through production's restart").isTrue();

        String productionScan = runningScan(production);
        String productionInstallation = installationOf(productionScan);
        assertThat(productionInstallation).isNotEqualTo(stagingInstallation);
        staging.close();
        staging = stagingSite.start();
        assertThat(completedOnce(production, productionScan)).as("production's scan, through staging's restart").isTrue();
        try (var connection = java.sql.DriverManager.getConnection(stagingSite.database(), "postgres", "");
             var rows = connection.createStatement().executeQuery("select id from installation")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).as("generated once, kept in the installation's database").isEqualTo(stagingInstallation);
        }
    }

    /** Starts a quick scan and waits until its container runs. */
    private static String runningScan(NubicustosStandalone system) {
        Api api = new Api(system.apiPort());
        String scan = api.submit("{\"profile\": \"quick\"}");
        await().atMost(Duration.ofMinutes(1)).until(() -> containerOf(scan) != null && "running".equals(containerOf(scan).getState()));
        return scan;
    }

    private static Container containerOf(String scan) {
        List<Container> containers = StandInTools.DOCKER.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nubicustos.scan", scan)).exec();
        return containers.isEmpty() ? null : containers.get(0);
    }

    private static String installationOf(String scan) {
        return containerOf(scan).getLabels().get("io.nubicustos.installation");
    }

    /** Whether the scan completed with its one step run by its first attempt (its container neither reaped nor restarted). */
    private static boolean completedOnce(NubicustosStandalone system, String scan) {
        Api api = new Api(system.apiPort());
        JsonNode status = api.awaitTerminal(scan, Duration.ofMinutes(2));
        JsonNode step = api.getJson("/api/scans/" + scan).at("/steps/0");
        assertThat(step.get("attempt").asInt()).as(step.toString()).isEqualTo(1);
        return "completed".equals(status.get("status").asString());
    }
}
