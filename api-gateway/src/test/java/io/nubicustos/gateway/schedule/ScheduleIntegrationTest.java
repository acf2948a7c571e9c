package io.nubicustos.gateway.schedule;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.scan.ScanCreator;
import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.testsupport.RawHttp;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.nubicustos.gateway.TestClock;
import io.nubicustos.testsupport.TestDirectories;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedules on a real PostgreSQL, with time driven by settable clocks: two runners (two API instances, each
 * with its own clock) racing for the same due times create exactly one scan per time; a paused schedule
 * creates none; after downtime one scan, not one per missed minute; overlap "skip" skips while its scan runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway", "nubicustos.schedules.shortest-interval=1m",
        "nubicustos.schedules.check-interval=1h"})
@RealInfrastructure
@Import(TestClock.class)
class ScheduleIntegrationTest {

    static final Instant START = Instant.parse("2026-11-29T10:00:30Z");
    static final SettableClock CLOCK = TestClock.CLOCK;
    static final JsonMapper JSON = JsonMapper.builder().build();


    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path aws = TestDirectories.create("aws");
        Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", aws::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ScheduleRunner runner;
    @Autowired
    ScheduleRepository repository;
    @Autowired
    ScanRequestParser parser;
    @Autowired
    ScanCreator creator;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    MeterRegistry meters;
    @Autowired
    GatewayProperties properties;
    @Autowired
    io.nubicustos.gateway.campaign.CampaignCreator campaigns;

    final SettableClock otherClock = new SettableClock(START);
    ScheduleRunner otherInstance;

    @BeforeEach
    void secondInstance() {
        CLOCK.set(START);
        otherClock.set(START);
        otherInstance = new ScheduleRunner(campaigns, repository, parser, creator, tx, otherClock, meters, properties);
    }

    @Test
    void twoInstancesCreateExactlyOneScanPerMinuteAndAPausedScheduleNone() throws Exception {
        JsonNode created = call("POST", "/api/schedules", "{\"name\": \"every minute\", \"profile\": \"quick\", \"cron\": \"* * * * *\","
                + " \"overlap\": \"queue\"}", 201);
        UUID id = UUID.fromString(created.get("schedule_id").asString());
        assertThat(created.get("next_run_at").asString()).startsWith("2026-11-29T10:01:00");
        assertThat(created.get("aws_profile").asString()).as("the request as it will run").isEqualTo("default");

        bothAt("2026-11-29T10:00:45Z");
        assertThat(scansOf(id)).as("not due yet").isZero();

        for (int minute = 1; minute <= 5; minute++) {
            bothAt("2026-11-29T10:0" + minute + ":02Z");
            assertThat(scansOf(id)).as("one scan per due minute, after minute %d", minute).isEqualTo(minute);
        }
        assertThat(distinctRequestIds(id)).isEqualTo(5);

        // the instances were down from 10:05 to 10:30: one catch-up scan, then the next minute
        bothAt("2026-11-29T10:30:40Z");
        assertThat(scansOf(id)).isEqualTo(6);
        assertThat(call("GET", "/api/schedules/" + id, null, 200).get("next_run_at").asString()).startsWith("2026-11-29T10:31:00");

        JsonNode paused = call("PATCH", "/api/schedules/" + id, "{\"enabled\": false}", 200);
        assertThat(paused.get("enabled").asBoolean()).isFalse();
        assertThat(paused.get("next_run_at").isNull()).isTrue();
        bothAt("2026-11-29T10:35:00Z");
        assertThat(scansOf(id)).as("paused: nothing").isEqualTo(6);

        JsonNode resumed = call("PATCH", "/api/schedules/" + id, "{\"enabled\": true}", 200);
        assertThat(resumed.get("next_run_at").asString()).as("resumed from now, nothing replayed").startsWith("2026-11-29T10:36:00");
        JsonNode scans = call("GET", "/api/scans?schedule_id=" + id, null, 200);
        assertThat(scans.get("total").asInt()).isEqualTo(6);
        assertThat(scans.at("/scans/0/schedule_id").asString()).isEqualTo(id.toString());
        assertThat(scans.at("/scans/0/source").asString()).isEqualTo("schedule");
    }

    /** A schedule can run campaigns: each due time, one campaign over the selection, whose scans name the schedule. */
    @Test
    void aScheduleOfCampaignsCreatesOneCampaignPerDueTimeAndSkipsWhileItsScansRun() {
        jdbc.sql("""
                insert into accounts (account_id, name, profile, created_at, updated_at) values ('610000000001', 'a', 'default', now(), now())
                on conflict do nothing""").update();
        jdbc.sql("""
                insert into accounts (account_id, name, role_arn, source_profile, created_at, updated_at)
                values ('610000000002', 'b', 'arn:aws:iam::610000000002:role/Audit', 'default', now(), now()) on conflict do nothing""").update();
        call("POST", "/api/schedules", "{\"profile\": \"quick\", \"aws_profile\": \"default\", \"accounts\": \"all\", \"interval\": \"1h\"}", 400);
        JsonNode created = call("POST", "/api/schedules", "{\"profile\": \"quick\", \"accounts\": [\"610000000002\", \"610000000001\"],"
                + " \"interval\": \"1h\"}", 201);
        UUID id = UUID.fromString(created.get("schedule_id").asString());
        assertThat(created.get("accounts")).as("stored as shown: sorted").hasSize(2);
        assertThat(created.get("accounts").get(0).asString()).isEqualTo("610000000001");
        assertThat(created.has("aws_profile") && !created.get("aws_profile").isNull()).isFalse();

        bothAt("2026-11-29T11:00:31Z");
        assertThat(jdbc.sql("select count(*) from campaigns where source = 'schedule' and request_id like :prefix")
                .param("prefix", "schedule:" + id + ":%").query(Long.class).single()).isEqualTo(1);
        assertThat(scansOf(id)).as("one scan per account, naming the schedule").isEqualTo(2);
        assertThat(call("GET", "/api/schedules/" + id, null, 200).get("last_outcome").asString()).startsWith("created campaign ");
        bothAt("2026-11-29T12:00:31Z");
        assertThat(scansOf(id)).as("skipped: its scans are still queued").isEqualTo(2);
        jdbc.sql("delete from scans where schedule_id = :id").param("id", id).update();
        jdbc.sql("delete from schedules where id = :id").param("id", id).update();
    }

    @Test
    void overlapSkipSkipsADueTimeWhileTheSchedulesScanStillRunsAndSaysSo() {
        JsonNode created = call("POST", "/api/schedules", "{\"profile\": \"quick\", \"interval\": \"1h\"}", 201);
        UUID id = UUID.fromString(created.get("schedule_id").asString());
        assertThat(created.get("overlap").asString()).isEqualTo("skip");
        assertThat(created.get("interval").asString()).isEqualTo("PT1H");

        bothAt("2026-11-29T11:00:31Z");
        assertThat(scansOf(id)).isEqualTo(1);
        bothAt("2026-11-29T12:00:31Z");
        JsonNode schedule = call("GET", "/api/schedules/" + id, null, 200);
        assertThat(scansOf(id)).as("the first is still queued").isEqualTo(1);
        assertThat(schedule.get("last_outcome").asString()).startsWith("skipped: scan ").endsWith("is still queued or running");
        assertThat(schedule.get("next_run_at").asString()).startsWith("2026-11-29T13:00:30");

        jdbc.sql("update scans set status = 'completed' where schedule_id = :id").param("id", id).update();
        bothAt("2026-11-29T13:00:31Z");
        assertThat(scansOf(id)).isEqualTo(2);
    }

    @Test
    void aScheduleThatCanNoLongerRunSaysWhyHoldsBackNoOtherAndCanStillBePaused() {
        JsonNode broken = call("POST", "/api/schedules", "{\"profile\": \"quick\", \"interval\": \"1h\"}", 201);
        JsonNode healthy = call("POST", "/api/schedules", "{\"profile\": \"quick\", \"interval\": \"1h\"}", 201);
        // its profile left the catalog after the schedule was stored (a new catalog file, an upgrade)
        jdbc.sql("update schedules set request = jsonb_set(request, '{profile}', '\"retired\"') where id = :id")
                .param("id", UUID.fromString(broken.get("schedule_id").asString())).update();
        // and one whose stored cron no longer parses (written by an older version with other rules)
        JsonNode unparsable = call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"0 * * * *\"}", 201);
        jdbc.sql("update schedules set cron = '61 * * * *', next_run_at = '2026-11-29T10:30:00Z' where id = :id")
                .param("id", UUID.fromString(unparsable.get("schedule_id").asString())).update();

        bothAt("2026-11-29T11:00:31Z");

        JsonNode failed = call("GET", "/api/schedules/" + broken.get("schedule_id").asString(), null, 200);
        assertThat(failed.get("last_outcome").asString()).startsWith("failed: ").contains("retired");
        assertThat(failed.get("next_run_at").asString()).as("moved on, not claimed first every round").startsWith("2026-11-29T12:00:30");
        assertThat(scansOf(UUID.fromString(healthy.get("schedule_id").asString()))).as("the other one ran").isEqualTo(1);
        JsonNode paused = call("GET", "/api/schedules/" + unparsable.get("schedule_id").asString(), null, 200);
        assertThat(paused.get("last_outcome").asString()).startsWith("failed: ").endsWith("paused: its timing no longer parses");
        assertThat(paused.get("enabled").asBoolean()).isFalse();
        assertThat(call("PATCH", "/api/schedules/" + broken.get("schedule_id").asString(), "{\"enabled\": false}", 200)
                .get("enabled").asBoolean()).isFalse();
    }

    @Test
    void aDueScheduleClaimedByOneInstanceIsSkippedByAnotherUntilItCommits() throws Exception {
        call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"0 12 * * *\"}", 201);
        Instant due = Instant.parse("2026-11-29T12:00:05Z");
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> holder = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            int rows = repository.claimDue(due, 10).size();
            claimed.countDown();
            await(release);
            return rows;
        }));
        claimed.await();
        int seenByOther = tx.execute(status -> repository.claimDue(due, 10).size());
        release.countDown();
        assertThat(holder.join()).isPositive();
        assertThat(seenByOther).as("rows another transaction holds are skipped, not waited for nor taken twice").isZero();
    }

    @Test
    void whatCannotBeAScheduleIsRefusedNamingTheField() {
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"*/5 * * * * *\"}", 422).get("field").asString())
                .isEqualTo("cron");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"0 3 * * *\", \"time_zone\": \"Mars/Base\"}", 422)
                .get("field").asString()).isEqualTo("time_zone");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\", \"interval\": \"5s\"}", 422).get("message").asString())
                .contains("at least 1 minute");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\"}", 400).get("field").asString()).isEqualTo("cron");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"nope\", \"cron\": \"0 3 * * *\"}", 422).get("field").asString())
                .isEqualTo("profile");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"0 3 * * *\", \"aws_profile\": \"absent\"}", 422)
                .get("field").asString()).isEqualTo("aws_profile");
        assertThat(call("POST", "/api/schedules", "{\"profile\": \"quick\", \"cron\": \"0 3 * * *\", \"every\": 1}", 400)
                .get("field").asString()).isEqualTo("every");
        assertThat(call("PATCH", "/api/schedules/" + UUID.randomUUID(), "{\"enabled\": false}", 404).get("error").asString())
                .isEqualTo("schedule_not_found");
        assertThat(call("DELETE", "/api/schedules/" + UUID.randomUUID(), null, 404).get("error").asString()).isEqualTo("schedule_not_found");
    }

    /** Both instances look for due schedules at the same moment, as two API instances would. */
    private void bothAt(String instant) {
        CLOCK.set(Instant.parse(instant));
        otherClock.set(Instant.parse(instant));
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<Integer> mine = CompletableFuture.supplyAsync(() -> {
            await(together);
            return runner.runOnce();
        });
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            await(together);
            return otherInstance.runOnce();
        });
        mine.join();
        other.join();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long scansOf(UUID schedule) {
        return jdbc.sql("select count(*) from scans where schedule_id = :id").param("id", schedule).query(Long.class).single();
    }

    private long distinctRequestIds(UUID schedule) {
        return jdbc.sql("select count(distinct request_id) from scans where schedule_id = :id").param("id", schedule).query(Long.class).single();
    }

    private JsonNode call(String method, String path, String body, int expected) {
        RawHttp.Response response = RawHttp.send(port, method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
    }
}
