package io.nubicustos.standalone;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.LargeProwlerReport;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A report-processor killed in the middle of storing a large report, and an api-gateway killed
 * between accepting a scan and publishing its steps: in both cases another instance finishes the job,
 * once, and nothing is lost.
 */
class ServiceCrashEndToEndTest {

    private Path data;
    private ChildProcesses children;
    private EmbeddedKafkaBroker broker;
    private String database;

    @AfterEach
    void stop() throws Exception {
        if (children != null) {
            children.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Map<String, String> start(String service) throws Exception {
        data = TestDirectories.create("nubicustos-crash");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        children = new ChildProcesses(data);
        broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", Ports.free(), Ports.free());
        database = TestPostgres.newDatabase();
        return new HashMap<>(Map.of("NUBICUSTOS_DATA_DIR", data.toString(), "NUBICUSTOS_SERVICES", service,
                "DATABASE_URL", database, "DATABASE_USER", "postgres", "DATABASE_PASSWORD", "",
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "PROCESSOR_PORT", Integer.toString(Ports.free()),
                "PORT", Integer.toString(Ports.free())));
    }

    @Test
    void aProcessorKilledMidReportLeavesNothingHalfStoredAndAnotherFinishesIt() throws Exception {
        Map<String, String> env = start("report-processor");
        env.putAll(Map.of("NUBICUSTOS_PROCESSOR_SWEEPINTERVAL", "500ms", "NUBICUSTOS_PROCESSOR_REPORTINGGRACE", "1s"));
        Process first = children.launch(env, "processor-1.log");
        await().atMost(Duration.ofMinutes(2)).until(() -> children.log("processor-1.log").contains("Started NubicustosStandalone"));
        // a step whose container finished with a 150,000-finding Prowler report, waiting for processing
        UUID scan = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        Path reportDir = Files.createDirectories(data.resolve("reports").resolve(scan.toString()).resolve("prowler"));
        LargeProwlerReport.write(reportDir.resolve("prowler-output-123456789012.ocsf.json"), 150_000);
        sql("insert into scans (id, profile, aws_profile, status, source, created_at) values ('" + scan + "', 'quick', 'default', 'running', 'rest', now())");
        sql("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at, container_finished_at) values ('" + step + "', '"
                + scan + "', 'prowler', 0, 'reporting', '{\"report_format\": \"prowler\"}'::jsonb, now(), now() - interval '1 minute')");

        // mid-report: its transaction holds the findings table while it streams the report in
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50)).until(() -> count("""
                select count(*) from pg_locks l join pg_class c on c.oid = l.relation
                 where c.relname = 'findings' and l.mode = 'RowExclusiveLock'""") > 0);
        first.destroyForcibly().waitFor();

        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from pg_stat_activity where query like 'insert into findings%'") == 0);
        assertThat(count("select count(*) from findings")).as("the killed transaction stored nothing").isZero();
        assertThat(string("select status from scan_steps where id = '" + step + "'")).isEqualTo("reporting");

        children.launch(env, "processor-2.log");
        await().atMost(Duration.ofMinutes(3)).until(() -> "completed".equals(string("select status from scans where id = '" + scan + "'")));
        assertThat(count("select count(*) from findings where step_id = '" + step + "'")).isEqualTo(150_000);
        assertThat(count("select findings_total from scans where id = '" + scan + "'")).isEqualTo(150_000);
    }

    @Test
    void anApiKilledBetweenAcceptingAScanAndPublishingItLosesNothing() throws Exception {
        Map<String, String> env = start("api-gateway");
        Map<String, String> slowRelay = new HashMap<>(env);
        // this instance would publish only in an hour: it dies before it does
        slowRelay.put("NUBICUSTOS_OUTBOX_POLLINTERVAL", "1h");
        Process first = children.launch(slowRelay, "api-1.log");
        Api api = new Api(Integer.parseInt(env.get("PORT")));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(api::isUp);
        String scanId = api.submit("{\"profile\": \"compliance-only\"}");
        first.destroyForcibly().waitFor();
        assertThat(count("select count(*) from outbox where published_at is null and topic = '" + Topics.TOOL_STEPS + "'")).isEqualTo(2);

        children.launch(env, "api-2.log");
        await().atMost(Duration.ofMinutes(2)).until(() -> count("select count(*) from outbox where published_at is null") == 0);

        List<String> published = new ArrayList<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("group.id", "check-" + UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.TOOL_STEPS));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    published.add(record.value());
                }
                assertThat(published).hasSize(2).allSatisfy(v -> assertThat(v).contains(scanId));
            });
        }
        // why: the relay of the second instance publishes before its web server has opened its port
        Api second = new Api(Integer.parseInt(env.get("PORT")));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(second::isUp);
        assertThat(second.getJson("/api/scans/" + scanId + "/status").get("status").asString()).isEqualTo("queued");
    }

    private long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String string(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
