package io.nubicustos.gateway.outbox;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.model.messaging.OutboxChannel;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay and its upkeep against a real KRaft broker and a real PostgreSQL; rounds are driven by the test, or by
 * the wake-ups on commit (the poll interval is an hour).
 */
@SpringBootTest(properties = {"spring.config.name=api-gateway", "server.port=0", "nubicustos.outbox.poll-interval=1h",
        "nubicustos.outbox.max-attempts=3", "nubicustos.outbox.retry-backoff=10ms", "nubicustos.outbox.retention=7d"})
@RealInfrastructure
class OutboxIntegrationTest {


    @Autowired
    JdbcClient jdbc;
    @Autowired
    OutboxRelay relay;
    @Autowired
    OutboxMaintenance maintenance;
    @Autowired
    OutboxWakeup wakeup;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    HikariDataSource dataSource;
    @Autowired
    MeterRegistry meters;

    @Autowired
    io.nubicustos.gateway.metrics.GaugeExporterElection election;

    @Test
    void aRowTheBrokerRefusesIsRetriedThenParkedAndNeverHoldsUpTheRowsBehindIt() {
        long bad = insert(Topics.TOOL_STEPS, "x".repeat(2 * 1024 * 1024));
        List<Long> good = List.of(insert(Topics.TOOL_STEPS, "{\"step_id\": \"a\"}"), insert(Topics.TOOL_STEPS, "{\"step_id\": \"b\"}"));

        relay.relayOnce();

        assertThat(published(good)).as("the rows behind the refused one").isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            relay.relayOnce();
            return row(bad).get("parked_at") != null;
        });
        Map<String, Object> parked = row(bad);
        assertThat(parked.get("attempts")).isEqualTo(3);
        assertThat((String) parked.get("last_error")).contains("RecordTooLargeException");
        assertThat(parked.get("published_at")).isNull();

        // why: the outbox gauges are exported by the instance that holds the exporter lease (GaugeExporterElection)
        assertThat(election.renew()).isTrue();
        maintenance.refreshGauges();
        long parkedRows = jdbc.sql("select count(*) from outbox where parked_at is not null").query(Long.class).single();
        assertThat(parkedRows).isPositive();
        assertThat(meters.get("nubicustos.outbox.parked.rows").gauge().value()).as("the parked rows' gauge").isEqualTo(parkedRows);
        long later = insert(Topics.TOOL_STEPS, "{\"step_id\": \"c\"}");
        relay.relayOnce();
        assertThat(published(List.of(later))).isEqualTo(1);
    }

    @Test
    void scanEventsCarryTheCloudEventsContentTypeOfTheKafkaBindingAndStepCommandsDoNot() {
        long event = insert(Topics.SCAN_EVENTS, "{\"specversion\": \"1.0\", \"id\": \"e-1\"}");
        long command = insert(Topics.TOOL_STEPS, "{\"step_id\": \"s-1\"}");
        relay.relayOnce();
        assertThat(published(List.of(event, command))).isEqualTo(2);

        Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.GROUP_ID_CONFIG, "content-type-check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
            kafka.subscribe(List.of(Topics.SCAN_EVENTS, Topics.TOOL_STEPS));
            Map<String, String> contentTypes = new HashMap<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofMillis(500))) {
                    Header header = record.headers().lastHeader("content-type");
                    contentTypes.put(record.value(), header == null ? "none" : new String(header.value(), StandardCharsets.UTF_8));
                }
                return contentTypes.containsKey("{\"step_id\": \"s-1\"}") && contentTypes.containsKey("{\"specversion\": \"1.0\", \"id\": \"e-1\"}");
            });
            assertThat(contentTypes.get("{\"specversion\": \"1.0\", \"id\": \"e-1\"}")).startsWith("application/cloudevents+json");
            assertThat(contentTypes.get("{\"step_id\": \"s-1\"}")).isEqualTo("none");
        }
    }

    @Test
    void publishedRowsArePurgedAfterTheirRetentionAndNoOthers() {
        long old = insert(Topics.TOOL_STEPS, "{}");
        long recent = insert(Topics.TOOL_STEPS, "{}");
        long pending = insert(Topics.SCAN_EVENTS, "{}");
        jdbc.sql("update outbox set published_at = :at where id = :id").param("at", OffsetDateTime.now().minusDays(8)).param("id", old).update();
        jdbc.sql("update outbox set published_at = :at where id = :id").param("at", OffsetDateTime.now().minusDays(1)).param("id", recent).update();
        jdbc.sql("update outbox set created_at = :at where id = :id").param("at", OffsetDateTime.now().minusDays(30)).param("id", pending).update();

        maintenance.purgeOnce();

        assertThat(jdbc.sql("select id from outbox where id in (:ids)").param("ids", List.of(old, recent, pending)).query(Long.class).list())
                .containsExactlyInAnyOrder(recent, pending);
    }

    @Test
    void rowsWrittenInThisProcessArePublishedOnCommitNotOnThePoll() {
        // the poll interval is an hour: only the wake-up after the commit can publish these rows in time
        long rolledBack = -1;
        try {
            rolledBack = tx.execute(status -> {
                long id = insert(Topics.SCAN_EVENTS, "{}");
                wakeup.afterCommit();
                status.setRollbackOnly();
                return id;
            });
        } finally {
            assertThat(jdbc.sql("select count(*) from outbox where id = :id").param("id", rolledBack).query(Long.class).single()).isZero();
        }
        long committed = tx.execute(status -> {
            long id = insert(Topics.SCAN_EVENTS, "{}");
            wakeup.afterCommit();
            return id;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> published(List.of(committed)) == 1);
    }

    @Test
    void rowsWrittenByAnotherProcessArePublishedOnItsCommitEvenAfterTheListenerLostItsConnection() throws Exception {
        long first = insertElsewhereAndNotify();
        await().atMost(Duration.ofSeconds(10)).until(() -> published(List.of(first)) == 1);

        // the listening connection dies (a database restart, a proxy's idle timeout): the listener opens another, and
        // the requests' pool never sees the dead one
        assertThat(jdbc.sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where " + LISTENER).query(Long.class).single())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("select count(*) from pg_stat_activity where " + LISTENER)
                .query(Long.class).single() == 1);
        long second = insertElsewhereAndNotify();
        await().atMost(Duration.ofSeconds(10)).until(() -> published(List.of(second)) == 1);
        for (int i = 0; i < 20; i++) {
            assertThat(jdbc.sql("select 1").query(Integer.class).single()).isEqualTo(1);
        }
    }

    private static final String LISTENER = "datname = current_database() and application_name = 'nubicustos outbox listener'"
            + " and query = 'listen " + OutboxChannel.NAME + "'";

    /** As the report-processor writes its rows: its own connection, the row and the notification in one transaction. */
    private long insertElsewhereAndNotify() throws Exception {
        try (Connection other = DriverManager.getConnection(dataSource.getJdbcUrl(), "postgres", "")) {
            other.setAutoCommit(false);
            long id;
            try (Statement statement = other.createStatement();
                 ResultSet rs = statement.executeQuery("insert into outbox (topic, message_key, payload, created_at)"
                         + " values ('" + Topics.SCAN_EVENTS + "', 'k', '{}', now()) returning id")) {
                rs.next();
                id = rs.getLong(1);
                statement.execute(OutboxChannel.WAKE_RELAY);
            }
            other.commit();
            return id;
        }
    }

    private long insert(String topic, String payload) {
        return jdbc.sql("insert into outbox (topic, message_key, payload, created_at) values (:t, 'k', :p, now()) returning id")
                .param("t", topic).param("p", payload).query(Long.class).single();
    }

    private long published(List<Long> ids) {
        return jdbc.sql("select count(*) from outbox where id in (:ids) and published_at is not null").param("ids", ids)
                .query(Long.class).single();
    }

    private Map<String, Object> row(long id) {
        return jdbc.sql("select attempts, last_error, parked_at, published_at from outbox where id = :id").param("id", id).query().singleRow();
    }
}
