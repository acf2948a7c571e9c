package io.nubicustos.gateway.metrics;

import io.nubicustos.gateway.ApiGatewayApplication;
import io.nubicustos.testsupport.RawHttp;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two api-gateway instances on one database export each gauge computed from the database once: one holds the exporter
 * lease, the other exports none of them (and says so with {@code nubicustos_gauges_exporter 0}); when the lease lapses
 * or its holder stops, the other takes over.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-gateway", "nubicustos.metrics.fleet-interval=1s", "nubicustos.outbox.gauge-interval=1s"})
@RealInfrastructure
class GaugeExportIntegrationTest {

    /** The gauges computed from the database (GaugeExporterElection): the ones a second instance must not export again. */
    static final List<String> DATABASE_GAUGES = List.of("nubicustos_steps_queued", "nubicustos_steps_queued_oldest_age_seconds",
            "nubicustos_scans", "nubicustos_outbox_backlog", "nubicustos_outbox_parked_rows", "nubicustos_outbox_oldest_age_seconds");

    static Path data;
    static ConfigurableApplicationContext second;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        data = TestDirectories.create("gauge-export");
        Files.createDirectories(data.resolve("aws"));
        Files.writeString(data.resolve("aws/credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", () -> data.resolve("aws").toString());
        registry.add("nubicustos.reports.path", () -> data.resolve("reports").toString());
        registry.add("nubicustos.archives.path", () -> data.resolve("archives").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    Environment environment;
    @Autowired
    JdbcClient jdbc;

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoInstancesExportEachDatabaseGaugeOnceAndTheOtherTakesOverWhenTheExporterGoes() {
        assertThat(RawHttp.send(port, "POST", "/api/scans", Map.of("Content-Type", "application/json"),
                "{\"profile\": \"quick\"}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(202);
        second = startSecondInstance();
        int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
        List<Integer> instances = List.of(port, secondPort);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> exportedOnce(instances));

        // the holder vanishes without a word: its lease lapses and one instance (either) takes over
        jdbc.sql("update gauge_exporter set holder = 'gone', lease_until = clock_timestamp() - interval '1 second'").update();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(jdbc.sql("select holder from gauge_exporter").query(String.class).single()).isNotEqualTo("gone");
            exportedOnce(instances);
        });

        // the second instance stops: if it exported, the first takes over (at once: the lease is released on stop)
        second.close();
        second = null;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String scrape = scrape(port);
            assertThat(value(scrape, "nubicustos_gauges_exporter")).isEqualTo(1.0);
            DATABASE_GAUGES.forEach(gauge -> assertThat(series(scrape, gauge)).as(gauge).isNotEmpty());
        });
    }

    /** Each database gauge has series on exactly one instance, the one that says it exports. */
    private static void exportedOnce(List<Integer> instances) {
        List<String> scrapes = instances.stream().map(GaugeExportIntegrationTest::scrape).toList();
        double exporters = 0;
        for (String scrape : scrapes) {
            exporters += value(scrape, "nubicustos_gauges_exporter");
        }
        assertThat(exporters).as("instances that say they export").isEqualTo(1.0);
        for (String gauge : DATABASE_GAUGES) {
            List<Integer> exporting = new ArrayList<>();
            for (int i = 0; i < scrapes.size(); i++) {
                if (!series(scrapes.get(i), gauge).isEmpty()) {
                    exporting.add(i);
                    assertThat(value(scrapes.get(i), "nubicustos_gauges_exporter")).as(gauge + " from an instance that does not export")
                            .isEqualTo(1.0);
                }
            }
            assertThat(exporting).as(gauge + ": instances exporting it").hasSize(1);
        }
    }

    private ConfigurableApplicationContext startSecondInstance() {
        List<String> args = new ArrayList<>(List.of("--spring.config.name=api-gateway", "--server.port=0",
                "--nubicustos.metrics.fleet-interval=1s", "--nubicustos.outbox.gauge-interval=1s"));
        for (String key : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                "spring.kafka.bootstrap-servers", "nubicustos.credentials.aws-path", "nubicustos.reports.path", "nubicustos.archives.path")) {
            args.add("--" + key + "=" + environment.getProperty(key, ""));
        }
        return new SpringApplicationBuilder(ApiGatewayApplication.class).run(args.toArray(String[]::new));
    }

    private static String scrape(int port) {
        RawHttp.Response response = RawHttp.get(port, "/actuator/prometheus", Map.of());
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    private static List<String> series(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " ")).toList();
    }

    private static double value(String scrape, String name) {
        List<String> lines = series(scrape, name);
        assertThat(lines).as(name).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
