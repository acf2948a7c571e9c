package io.nubicustos.gateway.outbox;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay and its upkeep against a real KRaft broker and a real PostgreSQL; rounds are driven by the test. */
@SpringBootTest(properties = {"spring.config.name=api-gateway", "server.port=0", "nubicustos.outbox.poll-interval=1h",
        "nubicustos.outbox.max-attempts=3", "nubicustos.outbox.retry-backoff=10ms", "nubicustos.outbox.retention=7d"})
// why: each class has its own broker; a context cached past it would wait 30 s at exit to stop its consumers
@DirtiesContext
@EmbeddedKafka(partitions = 1)
class OutboxIntegrationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", TestPostgres::newDatabase);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.kafka.bootstrap-servers", () -> System.getProperty("spring.embedded.kafka.brokers"));
    }

    @Autowired
    JdbcClient jdbc;
    @Autowired
    OutboxRelay relay;
    @Autowired
    OutboxMaintenance maintenance;

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

        maintenance.refreshGauges();
        long later = insert(Topics.TOOL_STEPS, "{\"step_id\": \"c\"}");
        relay.relayOnce();
        assertThat(published(List.of(later))).isEqualTo(1);
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
