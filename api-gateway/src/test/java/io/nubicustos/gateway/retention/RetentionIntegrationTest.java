package io.nubicustos.gateway.retention;

import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.nubicustos.gateway.TestClock;
import io.nubicustos.testsupport.TestDirectories;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on a real PostgreSQL with a settable clock: settled scans past their age go with their rows and
 * report directories; running scans, young scans and the latest scan of a schedule stay; old audit entries go.
 */
@SpringBootTest(properties = {"spring.config.name=api-gateway", "nubicustos.retention.scans=30d", "nubicustos.retention.audit-log=90d",
        "nubicustos.retention.batch=2"})
@RealInfrastructure
@Import(TestClock.class)
class RetentionIntegrationTest {

    static final SettableClock CLOCK = TestClock.CLOCK;
    static Path reports;


    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        reports = TestDirectories.create("reports");
        registry.add("nubicustos.reports.path", reports::toString);
    }

    @BeforeEach
    void startOfTheTest() {
        CLOCK.set(Instant.parse("2026-11-29T10:00:00Z"));
    }

    @Autowired
    RetentionSweeper retention;
    @Autowired
    JdbcClient jdbc;

    @Test
    void oldSettledScansGoWithTheirReportsAndRunningYoungAndLatestScheduledOnesStay() throws IOException {
        OffsetDateTime old = OffsetDateTime.parse("2026-10-01T00:00:00Z");
        UUID oldCompleted = scan("completed", old, null);
        UUID oldFailed = scan("failed", old, null);
        UUID oldCancelled = scan("cancelled", old, null);
        UUID oldRunning = scan("running", old, null);
        UUID young = scan("completed", OffsetDateTime.parse("2026-11-20T00:00:00Z"), null);
        UUID schedule = UUID.randomUUID();
        jdbc.sql("""
                insert into schedules (id, request, cron, created_at, updated_at) values (:id, '{"profile": "quick"}'::jsonb, '0 3 * * *', :at, :at)
                """).param("id", schedule).param("at", old).update();
        UUID olderOfSchedule = scan("completed", old, schedule);
        UUID latestOfSchedule = scan("completed", old.plusDays(1), schedule);
        UUID runningOfSchedule = scan("running", old.plusDays(2), schedule);
        jdbc.sql("insert into audit_log (at, actor, method, path, status) values (:at, 'ci', 'GET', '/api/scans', 200)")
                .param("at", OffsetDateTime.parse("2026-01-01T00:00:00Z")).update();
        jdbc.sql("insert into audit_log (at, actor, method, path, status) values (:at, 'ci', 'GET', '/api/scans', 200)")
                .param("at", OffsetDateTime.parse("2026-11-28T00:00:00Z")).update();

        RetentionSweeper.Pruned pruned = retention.runOnce();

        assertThat(pruned.scans()).as("in batches of 2 until none is left").isEqualTo(4);
        assertThat(exists(oldCompleted)).isFalse();
        assertThat(exists(oldFailed)).isFalse();
        assertThat(exists(oldCancelled)).isFalse();
        assertThat(exists(olderOfSchedule)).isFalse();
        assertThat(exists(oldRunning)).as("running").isTrue();
        assertThat(exists(young)).as("young").isTrue();
        assertThat(exists(latestOfSchedule)).as("the latest settled of its schedule, though a newer one runs").isTrue();
        assertThat(exists(runningOfSchedule)).isTrue();
        assertThat(reports.resolve(oldCompleted.toString())).as("its report directory").doesNotExist();
        assertThat(reports.resolve(young.toString() + "/prowler/report.json")).exists();
        assertThat(jdbc.sql("select count(*) from findings where scan_id = :id").param("id", oldCompleted).query(Long.class).single()).isZero();
        assertThat(pruned.auditEntries()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from audit_log where at < '2026-06-01'").query(Long.class).single()).isZero();

        CLOCK.advance(Duration.ofDays(30));
        assertThat(retention.runOnce().scans()).as("the young one, a month later").isEqualTo(1);
        assertThat(exists(young)).isFalse();
        assertThat(exists(latestOfSchedule)).isTrue();
    }

    @Test
    void oldWebhookDeliveriesGoWithTheirAttemptsAndPendingOnesStay() {
        UUID hook = UUID.randomUUID();
        jdbc.sql("""
                insert into webhooks (id, url, event_types, format, secret, created_at)
                values (:id, 'https://hooks.example.com/x', array['scan.completed'], 'cloudevents', 'a-secret-of-16-chars', :now)
                """).param("id", hook).param("now", CLOCK.instant().atOffset(java.time.ZoneOffset.UTC)).update();
        OffsetDateTime now = CLOCK.instant().atOffset(java.time.ZoneOffset.UTC);
        long oldDelivered = delivery(hook, "delivered", now.minusDays(31));
        long oldPending = delivery(hook, "pending", now.minusDays(31));
        long oldFailed = delivery(hook, "failed", now.minusDays(40));
        long young = delivery(hook, "delivered", now.minusDays(29));
        jdbc.sql("insert into webhook_attempts (delivery_id, attempt, at, status_code, duration_ms) values (:id, 1, :at, 200, 12)")
                .param("id", oldDelivered).param("at", now.minusDays(31)).update();

        assertThat(retention.runOnce().webhookDeliveries()).isEqualTo(2);

        assertThat(jdbc.sql("select id from webhook_deliveries order by id").query(Long.class).list()).containsExactly(oldPending, young);
        assertThat(jdbc.sql("select count(*) from webhook_attempts").query(Long.class).single()).isZero();
        assertThat(oldFailed).isNotEqualTo(young);
    }

    private long delivery(UUID hook, String status, OffsetDateTime at) {
        return jdbc.sql("""
                insert into webhook_deliveries (webhook_id, event_id, event_type, payload, created_at, status, next_attempt_at)
                values (:hook, :event, 'scan.completed', '{}', :at, :status, :at) returning id
                """).param("hook", hook).param("event", UUID.randomUUID().toString()).param("at", at).param("status", status)
                .query(Long.class).single();
    }

    private UUID scan(String status, OffsetDateTime at, UUID schedule) throws IOException {
        UUID id = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        jdbc.sql("""
                insert into scans (id, profile, aws_profile, status, source, created_at, completed_at, schedule_id)
                values (:id, 'quick', 'default', :status, 'rest', :at, case when :status in ('completed', 'failed', 'cancelled') then cast(:at as timestamptz) end, :schedule)
                """).param("id", id).param("status", status).param("at", at).param("schedule", schedule).update();
        jdbc.sql("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (:id, :scan, 'prowler', 0, 'succeeded', '{}'::jsonb, :at)")
                .param("id", step).param("scan", id).param("at", at).update();
        jdbc.sql("""
                insert into findings (scan_id, step_id, tool, check_id, severity, status, fingerprint)
                values (:scan, :step, 'prowler', 'check', 'high', 'fail', md5(:key))
                """).param("scan", id).param("step", step).param("key", id.toString()).update();
        Path report = reports.resolve(id + "/prowler/report.json");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "{}");
        return id;
    }

    private boolean exists(UUID scan) {
        return jdbc.sql("select count(*) from scans where id = :id").param("id", scan).query(Long.class).single() == 1;
    }
}
