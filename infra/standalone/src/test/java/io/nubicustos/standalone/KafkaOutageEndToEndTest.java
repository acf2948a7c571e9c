package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka broker is stopped for 30 seconds in the middle of a burst of submissions and then started
 * again on the same storage: every scan the API accepted completes, and no step runs twice.
 */
class KafkaOutageEndToEndTest {

    private EmbeddedKafkaBroker broker;
    private NubicustosStandalone system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyScanAcceptedWhileKafkaWasDownCompletesAndNoneRunsTwice() throws Exception {
        StandInTools.removeLeftovers();
        StandInTools.prowler421(0);
        Path data = TestDirectories.create("nubicustos-outage");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        int port = Ports.free();
        int controllerPort = Ports.free();
        broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", port, controllerPort);
        String database = TestPostgres.newDatabase();
        system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, broker.bootstrapServers(), 0, 0, 0, 0, 0, 0,
                Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                        "nubicustos.worker.poll-interval", "500ms", "nubicustos.processor.sweep-interval", "1s",
                        "nubicustos.processor.reporting-grace", "3s", "nubicustos.outbox.poll-interval", "200ms",
                        "nubicustos.outbox.max-attempts", "3", "spring.kafka.producer.properties.max.block.ms", "1000")));
        Api api = new Api(system.apiPort());
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accepted.add(api.submit("{\"profile\": \"quick\"}"));
        }

        broker.close();
        broker = null;
        for (int i = 0; i < 15; i++) {
            accepted.add(api.submit("{\"profile\": \"quick\"}"));
        }
        // an outage longer than a refused row lives: the relay finds the broker away more rounds than max-attempts (3) would
        // allow a row the broker refused, and every accepted scan stays known and answerable
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> brokerAwayRounds(api) > 3);
        for (String scanId : accepted) {
            assertThat(api.get("/api/scans/" + scanId + "/status").statusCode()).isEqualTo(200);
        }
        assertThat(api.get("/actuator/prometheus").body()).containsPattern("(?m)^nubicustos_outbox_parked_total\\{[^}]*service=\"api-gateway\"[^}]*} 0.0$");
        broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", port, controllerPort);

        for (String scanId : accepted) {
            JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(3));
            assertThat(status.get("status").asString()).as(scanId).isEqualTo("completed");
            assertThat(api.getJson("/api/scans/" + scanId).at("/steps/0/attempt").asInt()).as("ran once").isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(new Api(system.apiPort()).get("/actuator/prometheus").body()).containsPattern("(?m)^nubicustos_outbox_backlog\\{[^}]*service=\"api-gateway\"[^}]*} 0.0$"));
        assertThat(StandInTools.managedContainers()).isEmpty();
    }

    /** {@code nubicustos_outbox_broker_away_total} from the API's own Prometheus page. */
    private static double brokerAwayRounds(Api api) {
        return api.get("/actuator/prometheus").body().lines().filter(l -> l.startsWith("nubicustos_outbox_broker_away_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
