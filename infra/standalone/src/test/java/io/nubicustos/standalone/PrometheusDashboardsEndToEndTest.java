package io.nubicustos.standalone;

import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator's view, checked against the real thing: Debian's Prometheus scrapes the running system
 * (three services) with the alert rules loaded, while scans have run (one of them failing) and others run and
 * wait; every query of every panel of every dashboard under {@code infra/grafana/dashboards} must answer at
 * least one series, so no panel shows a metric that does not exist. The alert rules pass {@code promtool}'s
 * checks and unit tests.
 */
class PrometheusDashboardsEndToEndTest {

    static final Path INFRA = Path.of("..").toAbsolutePath().normalize();
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private NubicustosStandalone system;
    private Process prometheus;

    @AfterEach
    void stop() {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (system != null) {
            system.close();
            // why: its scans were left running to give the panels something to show; the next test class counts containers
            StandInTools.removeLeftovers();
        }
    }

    @Test
    void theAlertRulesAndTheConfigurationPassPromtool() throws Exception {
        assertThat(promtool("check", "rules", INFRA.resolve("prometheus/alerts.yml").toString())).contains("SUCCESS: 14 rules found");
        assertThat(promtool("test", "rules", INFRA.resolve("prometheus/alerts-test.yml").toString())).contains("SUCCESS");
        assertThat(promtool("check", "config", INFRA.resolve("prometheus/prometheus.yml").toString())).contains("SUCCESS");
    }

    /** Every alert names its runbook: a section of docs/runbooks.md that exists, and every alert has a promtool test. */
    @Test
    void everyAlertHasARunbookAndATest() throws Exception {
        String runbooks = Files.readString(INFRA.resolve("../docs/runbooks.md"));
        String tests = Files.readString(INFRA.resolve("prometheus/alerts-test.yml"));
        List<String> alerts = new ArrayList<>();
        java.util.regex.Matcher alert = java.util.regex.Pattern.compile("(?m)^\\s+- alert: (\\w+)$").matcher(Files.readString(INFRA.resolve("prometheus/alerts.yml")));
        while (alert.find()) {
            alerts.add(alert.group(1));
        }
        assertThat(alerts).hasSize(14);
        String rules = Files.readString(INFRA.resolve("prometheus/alerts.yml"));
        for (String name : alerts) {
            assertThat(rules).as(name + "'s runbook_url").contains("runbook_url: \"docs/runbooks.md#" + name.toLowerCase(java.util.Locale.ROOT) + "\"");
            assertThat(runbooks).as(name + "'s section in docs/runbooks.md").containsPattern("(?m)^## " + name + "$");
            assertThat(tests).as(name + "'s promtool test").contains("alertname: " + name);
        }
    }

    @Test
    void everyPanelOfEveryDashboardAnswersFromTheRunningSystem() throws Exception {
        Path data = TestDirectories.create("nubicustos-prometheus");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        int api = Ports.free();
        int worker = Ports.free();
        int processor = Ports.free();
        StandInTools.prowler5();
        StandInTools.comprehensiveRest(5);
        String database = TestPostgres.newDatabase();
        // why: the compose stack's read-only dashboard role; made before the system migrates, so V27 grants it what panels read
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("do $$ begin if not exists (select from pg_roles where rolname = 'nubicustos_reader') then"
                    + " create role nubicustos_reader login; end if; end $$");
        }
        system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null, Ports.free(),
                Ports.free(), 0, api, worker, processor, Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                "nubicustos.worker.concurrency", "2", "nubicustos.worker.poll-interval", "500ms", "nubicustos.metrics.fleet-interval", "1s",
                "nubicustos.outbox.gauge-interval", "1s", "nubicustos.processor.sweep-interval", "1s")));
        Api client = new Api(system.apiPort());
        List<String> settled = new ArrayList<>();
        settled.add(client.submit("{\"profile\": \"comprehensive\"}"));
        settled.add(client.submit("{\"profile\": \"quick\"}"));
        for (String scan : settled) {
            client.awaitTerminal(scan, Duration.ofMinutes(3));
        }
        assertThat(client.getJson("/api/scans/" + settled.get(0) + "/status").get("status").asString()).as("the failing scan")
                .isEqualTo("failed");
        // a campaign over two accounts, for the campaign panels
        for (String account : List.of("diff-account", "monitored-account")) {
            String id = account.equals("diff-account") ? "510000000001" : "510000000002";
            assertThat(client.put("/api/accounts/" + id, "{\"profile\": \"" + account + "\"}").statusCode()).isEqualTo(200);
        }
        String campaign = client.read(client.post("/api/campaigns", "{\"profile\": \"quick\", \"accounts\": \"all\"}").body())
                .get("campaign_id").asString();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !"running".equals(client.getJson("/api/campaigns/" + campaign).get("status").asString()));
        // why: scans that run and wait, so that the queue and the running steps have something to show
        StandInImage.forTool("prowler").runsFor(120)
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        for (int i = 0; i < 4; i++) {
            client.submit("{\"profile\": \"quick\"}");
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> StandInTools.managedContainers().stream()
                .filter(c -> "running".equals(c.getState())).count() == 2);

        int port = Ports.free();
        startPrometheus(data, port, api, worker, processor);

        Map<String, String> queries = panelQueries();
        assertThat(queries).hasSizeGreaterThan(25);
        Map<String, String> unanswered = new LinkedHashMap<>();
        await("every panel's query answers").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            unanswered.clear();
            for (Map.Entry<String, String> query : queries.entrySet()) {
                JsonNode result = query(port, query.getValue());
                if (result.size() == 0) {
                    unanswered.put(query.getKey(), query.getValue());
                }
            }
            return unanswered.isEmpty();
        });
        assertThat(unanswered).as("panels without data").isEmpty();

        // the PostgreSQL panels answer rows, as the read-only role, which cannot read webhook secrets or keys
        Map<String, String> sql = sqlPanelQueries();
        assertThat(sql).isNotEmpty();
        // why: the test database's URL names its user (postgres), which would win over the one given here
        try (Connection reader = DriverManager.getConnection(database.replace("user=postgres", "user=nubicustos_reader"), "nubicustos_reader", "");
             Statement s = reader.createStatement()) {
            try (ResultSet who = s.executeQuery("select current_user")) {
                who.next();
                assertThat(who.getString(1)).isEqualTo("nubicustos_reader");
            }
            for (Map.Entry<String, String> panel : sql.entrySet()) {
                try (ResultSet rows = s.executeQuery(panel.getValue())) {
                    assertThat(rows.next()).as(panel.getKey() + " answers rows").isTrue();
                }
            }
            for (String secret : List.of("webhooks", "webhook_deliveries", "audit_log", "outbox")) {
                assertThatThrownBy(() -> s.executeQuery("select count(*) from " + secret)).as(secret).isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied");
            }
        }

        JsonNode rules = get(port, "/api/v1/rules").at("/data/groups/0/rules");
        assertThat(rules.size()).isEqualTo(14);
        for (JsonNode rule : rules) {
            assertThat(rule.get("health").asString()).as(rule.get("name").asString()).isEqualTo("ok");
        }
    }

    /** Every target of every Prometheus panel, by dashboard and panel title, with Grafana's variables given test values. */
    private static Map<String, String> panelQueries() throws IOException {
        return queries("${datasource}", "expr");
    }

    /**
     * The SQL of every PostgreSQL panel, by dashboard and panel title, with Grafana's {@code $__timeFilter(column)} as the
     * last day.
     */
    private static Map<String, String> sqlPanelQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        queries("${database}", "rawSql").forEach((panel, sql) ->
                queries.put(panel, sql.replaceAll("\\$__timeFilter\\(([a-z_.]+)\\)", "$1 > now() - interval '1 day'")));
        return queries;
    }

    /** The {@code field} of every target of the panels whose data source is the variable {@code source}. */
    private static Map<String, String> queries(String source, String field) throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        try (Stream<Path> dashboards = Files.list(INFRA.resolve("grafana/dashboards"))) {
            for (Path file : dashboards.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = JSON.readTree(file.toFile());
                for (JsonNode panel : dashboard.get("panels")) {
                    assertThat(panel.at("/datasource/uid").asString()).as("no hard-coded data source").isIn("${datasource}", "${database}");
                    if (!panel.at("/datasource/uid").asString().equals(source)) {
                        continue;
                    }
                    for (JsonNode target : panel.get("targets")) {
                        // why: "or vector(0)" shows 0 rather than "No data" on an idle system; the check is that the metric itself answers
                        String expr = target.get(field).asString().replace("$__rate_interval", "1m").replace("$tool", ".+")
                                .replaceAll("\\s+or\\s+vector\\(0\\)$", "");
                        queries.put(file.getFileName() + " / " + panel.get("title").asString() + " / " + target.get("refId").asString(), expr);
                    }
                }
            }
        }
        return queries;
    }

    private void startPrometheus(Path data, int port, int api, int worker, int processor) throws Exception {
        Path config = data.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: nubicustos-api-gateway
                    metrics_path: /actuator/prometheus
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                  - job_name: nubicustos-scan-worker
                    metrics_path: /actuator/prometheus
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                  - job_name: nubicustos-report-processor
                    metrics_path: /actuator/prometheus
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(INFRA.resolve("prometheus/alerts.yml"), api, worker, processor));
        assertThat(promtool("check", "config", config.toString())).contains("SUCCESS");
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(data.resolve("prometheus.log").toFile()).start();
        await("Prometheus ready (log: " + data.resolve("prometheus.log") + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        await("the three services scraped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> query(port, "up == 1").size() == 3);
    }

    private JsonNode query(int port, String expr) throws Exception {
        JsonNode answer = get(port, "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertThat(answer.get("status").asString()).as(expr + ": " + answer).isEqualTo("success");
        return answer.at("/data/result");
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
