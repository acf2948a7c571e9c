package io.nubicustos.worker.step;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ToolDefinition.CredentialsMount;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.testsupport.SettableClock;
import io.nubicustos.testsupport.TestPostgres;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's transitions of {@code scan_steps}, one statement at a time, on a real PostgreSQL, with no
 * scheduler and no Docker: claims, take-overs and caps at their edges. Time on the worker's side is a settable
 * clock; leases are stamped with the database's clock (so workers agree on expiry), and a lease is expired
 * here by moving it into the database's past.
 */
class StepRepositoryIntegrationTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** A scan runs each tool once; a step's position says which. */
    static final List<String> TOOLS = List.of("prowler", "scoutsuite", "cloudfox");

    JdbcClient jdbc;
    TransactionTemplate tx;
    SettableClock clock;
    ObjectMapper json = JsonMapper.builder().build();

    @BeforeEach
    void freshDatabase() {
        DriverManagerDataSource database = new DriverManagerDataSource(TestPostgres.newDatabase(), "postgres", "");
        Flyway.configure().dataSource(database).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(database);
        tx = new TransactionTemplate(new DataSourceTransactionManager(database));
        clock = new SettableClock(T0);
    }

    @Test
    void aQueuedStepIsClaimedOnceByOneWorkerAndTheClaimIsStampedWithItsClock() {
        StepRepository first = worker("w1", 0);
        StepRepository second = worker("w2", 0);
        UUID scan = scan("default", null);
        UUID step = step(scan, 0);

        List<ClaimedStep> claimed = first.claimNext(4, "engine-1", "engine one");
        clock.advance(Duration.ofSeconds(5));
        List<ClaimedStep> again = second.claimNext(4, "engine-2", "engine two");

        assertThat(claimed).extracting(ClaimedStep::id).containsExactly(step);
        assertThat(claimed.get(0).attempt()).isEqualTo(1);
        assertThat(again).isEmpty();
        assertThat(jdbc.sql("select owner from scan_steps where id = :id").param("id", step).query(String.class).single()).isEqualTo("w1");
        assertThat(jdbc.sql("select worker || ' on ' || docker_host from step_attempts where step_id = :id").param("id", step)
                .query(String.class).single()).isEqualTo("w1 on engine one");
        assertThat(jdbc.sql("select started_at from step_attempts where step_id = :id").param("id", step).query(OffsetDateTime.class)
                .single()).isEqualTo(T0.atOffset(ZoneOffset.UTC));
        assertThat(jdbc.sql("select started_at from scans where id = :id").param("id", scan).query(OffsetDateTime.class).single())
                .isEqualTo(T0.atOffset(ZoneOffset.UTC));
    }

    @Test
    void anExpiredLeaseIsTakenOverOnceAndTheFormerOwnersTransitionIsRefused() {
        StepRepository first = worker("w1", 0);
        StepRepository second = worker("w2", 0);
        StepRepository third = worker("w3", 0);
        UUID step = step(scan("default", null), 0);
        ClaimedStep mine = first.claimNext(1, "engine-1", "engine one").get(0);

        assertThat(second.takeOver(step)).as("the lease is still valid").isEmpty();
        expireLease(step);
        assertThat(second.expired("engine-1", Duration.ofMinutes(10), 10)).containsExactly(step);
        assertThat(second.expired("engine-2", Duration.ofMinutes(10), 10)).as("on another engine: only after the grace").isEmpty();
        ClaimedStep taken = second.takeOver(step).orElseThrow();
        assertThat(third.takeOver(step)).as("one take-over wins").isEmpty();

        assertThat(first.toReporting(mine, 0, false, "", null)).as("the former owner's transition").isFalse();
        assertThat(second.toReporting(taken, 0, false, "", null)).isTrue();
        assertThat(jdbc.sql("select status || ' by ' || owner from scan_steps where id = :id").param("id", step).query(String.class)
                .single()).isEqualTo("reporting by w2");
    }

    @Test
    void leasesFollowTheDatabasesClockWhateverTheWorkersClocksSay() {
        StepRepository first = worker("w1", 0);
        StepRepository second = worker("w2", 0);
        UUID step = step(scan("default", null), 0);
        first.claimNext(1, "engine-1", "engine one");

        Instant databaseNow = jdbc.sql("select clock_timestamp()").query(OffsetDateTime.class).single().toInstant();

        // the workers' clock a year ahead of the database's (a corrected clock, a resumed VM): no lease expires for that
        clock.set(databaseNow.plus(Duration.ofDays(365)));
        assertThat(second.expired("engine-1", Duration.ZERO, 10)).isEmpty();
        assertThat(second.takeOver(step)).isEmpty();

        // and a year behind it: a renewal still runs from the database's now, not from the worker's
        clock.set(databaseNow.minus(Duration.ofDays(365)));
        jdbc.sql("update scan_steps set lease_until = clock_timestamp() + interval '1 second' where id = :id").param("id", step).update();
        assertThat(first.renew(List.of(step))).isEqualTo(1);
        assertThat(jdbc.sql("select lease_until > clock_timestamp() + interval '10 seconds' from scan_steps where id = :id")
                .param("id", step).query(Boolean.class).single()).as("renewed from the database's clock").isTrue();
        expireLease(step);
        assertThat(second.expired("engine-1", Duration.ZERO, 10)).as("expired by the database's clock").containsExactly(step);
    }

    @Test
    void aScansMaxParallelHoldsAtItsEdge() {
        UUID scan = scan("default", 2);
        for (int i = 0; i < 3; i++) {
            step(scan, i);
        }
        StepRepository worker = worker("w1", 0);

        List<ClaimedStep> claimed = worker.claimNext(5, "engine-1", "engine one");
        assertThat(claimed).hasSize(2);
        assertThat(worker.claimNext(5, "engine-1", "engine one")).as("the scan runs its max_parallel").isEmpty();

        assertThat(worker.recordExit(claimed.get(0), 0, false)).isTrue();
        assertThat(worker.claimNext(5, "engine-1", "engine one")).as("an exited container holds no cap").hasSize(1);
    }

    @Test
    void theAccountCapHoldsAtItsEdgeAcrossScansAndWorkers() {
        for (int s = 0; s < 2; s++) {
            UUID scan = scan("audit", null);
            step(scan, 0);
            step(scan, 1);
        }
        clock.advance(Duration.ofMinutes(1));
        UUID other = scan("other-account", null);
        UUID otherStep = step(other, 0);

        List<ClaimedStep> first = worker("w1", 2).claimNext(1, "engine-1", "engine one");
        List<ClaimedStep> second = worker("w2", 2).claimNext(10, "engine-2", "engine two");

        assertThat(first).hasSize(1);
        assertThat(second).extracting(ClaimedStep::id).as("one more of the capped account, and the other account's step").hasSize(2)
                .contains(otherStep);
        assertThat(jdbc.sql("select count(*) from scan_steps s join scans c on c.id = s.scan_id where s.status = 'running' and c.aws_profile = 'audit'")
                .query(Long.class).single()).isEqualTo(2);
        assertThat(worker("w3", 2).claimNext(10, "engine-3", "engine three")).isEmpty();
    }

    @Test
    void theFairClaimTakesTheScanWithFewestRunningStepsFirst() {
        UUID busy = scan("default", null);
        step(busy, 0);
        step(busy, 1);
        clock.advance(Duration.ofMinutes(1));
        UUID newer = scan("default", null);
        UUID newerStep = step(newer, 0);
        StepRepository worker = worker("w1", 0);

        ClaimedStep firstClaim = worker.claimNext(1, "engine-1", "engine one").get(0);
        ClaimedStep secondClaim = worker.claimNext(1, "engine-1", "engine one").get(0);

        assertThat(firstClaim.scanId()).as("the older scan first").isEqualTo(busy);
        assertThat(secondClaim.id()).as("then the scan that runs nothing yet, though newer").isEqualTo(newerStep);
    }

    @Test
    void aRequeuedStepWaitsItsBackOffAndRecordsTheAttempt() {
        StepRepository worker = worker("w1", 0);
        UUID step = step(scan("default", null), 0);
        ClaimedStep claimed = worker.claimNext(1, "engine-1", "engine one").get(0);
        clock.advance(Duration.ofSeconds(30));

        assertThat(worker.requeue(claimed, "the engine refused", Duration.ofHours(1))).isTrue();

        assertThat(worker.claimNext(1, "engine-1", "engine one")).as("within its back-off").isEmpty();
        jdbc.sql("update scan_steps set claimable_after = clock_timestamp() - interval '1 second' where id = :id").param("id", step).update();
        ClaimedStep retried = worker.claimNext(1, "engine-1", "engine one").get(0);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(worker.attemptsBefore(retried)).singleElement().satisfies(attempt -> {
            assertThat(attempt.outcome()).isEqualTo("retried");
            assertThat(attempt.error()).isEqualTo("the engine refused");
            assertThat(attempt.where()).isEqualTo("worker w1, Docker engine engine one");
        });
        assertThat(jdbc.sql("select finished_at from step_attempts where step_id = :id and attempt = 1").param("id", step)
                .query(OffsetDateTime.class).single()).isEqualTo(T0.plusSeconds(30).atOffset(ZoneOffset.UTC));
    }

    private StepRepository worker(String id, int accountCap) {
        return worker(id, accountCap, 0);
    }

    private StepRepository worker(String id, int accountCap, int defaultBudget) {
        WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "nubicustos.worker.account-cap", Integer.toString(accountCap), "nubicustos.worker.account-budget", Integer.toString(defaultBudget))))
                .bindOrCreate("nubicustos", WorkerProperties.class);
        return new StepRepository(jdbc, json, clock, new WorkerIdentity(id), properties, tx);
    }

    @Test
    void anAccountRunsNoMoreToolWeightThanItsBudgetAcrossScansAndProfilesThatReachIt() {
        StepRepository worker = worker("w1", 0, 5);
        // why: two profiles reaching one account share its budget; a profile no account names is an account of its own
        jdbc.sql("""
                insert into accounts (account_id, name, profile, created_at, updated_at)
                values ('111111111111', 'prod', 'prod-admin', now(), now())
                """).update();
        UUID first = scan("prod-admin", null);
        clock.advance(Duration.ofSeconds(1));
        UUID second = scan("other", null);
        jdbc.sql("update scans set account_id = '111111111111' where id = :id").param("id", second).update();
        UUID loose = scan("lab", null);
        List<UUID> heavy = List.of(weighted(first, 0, 3), weighted(second, 0, 3), weighted(first, 1, 2));
        UUID labStep = weighted(loose, 0, 4);

        List<UUID> claimed = worker.claimNext(10, "engine-1", "engine one").stream().map(ClaimedStep::id).toList();

        // in the claim's order (older scan first): 3, then 2 of the same scan fit 5; the other scan's 3 does not
        assertThat(claimed).containsExactlyInAnyOrder(heavy.get(0), heavy.get(2), labStep);
        assertThat(worker.claimNext(10, "engine-1", "engine one")).isEmpty();

        jdbc.sql("update scan_steps set container_finished_at = clock_timestamp() where id = :id").param("id", heavy.get(0)).update();
        assertThat(worker.claimNext(10, "engine-1", "engine one")).extracting(ClaimedStep::id).containsExactly(heavy.get(1));
    }

    @Test
    void aLoweredBudgetStillAdmitsOneStepOfAnAccountThatRunsNothingHoweverHeavyAndToolsThatCallNoApi() {
        StepRepository worker = worker("w1", 0, 16);
        jdbc.sql("insert into api_budgets (account_key, budget, updated_at) values ('profile:lab', 1, now())").update();
        UUID scan = scan("lab", null);
        UUID heavy = weighted(scan, 0, 4);
        UUID light = weighted(scan, 1, 1);
        UUID callsNoApi = weighted(scan, 2, 0);

        assertThat(worker.claimNext(10, "engine-1", "engine one")).as("a tool of weight 0 always fits")
                .extracting(ClaimedStep::id).containsExactlyInAnyOrder(heavy, callsNoApi);
        assertThat(worker.claimNext(10, "engine-1", "engine one")).as("the account's weight is past its budget of 1").isEmpty();
        jdbc.sql("update scan_steps set container_finished_at = clock_timestamp() where id = :id").param("id", heavy).update();
        assertThat(worker.claimNext(10, "engine-1", "engine one")).extracting(ClaimedStep::id).containsExactly(light);
    }

    @Test
    void aBudgetOfZeroTurnsBudgetsOff() {
        StepRepository worker = worker("w1", 0, 0);
        UUID scan = scan("lab", null);
        assertThat(worker.claimNext(10, "engine-1", "engine one")).isEmpty();
        weighted(scan, 0, 50);
        weighted(scan, 1, 50);
        assertThat(worker.claimNext(10, "engine-1", "engine one")).hasSize(2);
    }

    private UUID weighted(UUID scan, int position, int weight) {
        UUID id = step(scan, position);
        jdbc.sql("update scan_steps set plan = jsonb_set(plan, '{api_weight}', to_jsonb(:weight)) where id = :id").param("weight", weight)
                .param("id", id).update();
        return id;
    }

    private UUID scan(String awsProfile, Integer maxParallel) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scans (id, profile, aws_profile, status, source, created_at, max_parallel)
                values (:id, 'quick', :profile, 'queued', 'rest', :now, :maxParallel)
                """).param("id", id).param("profile", awsProfile).param("now", now()).param("maxParallel", maxParallel).update();
        return id;
    }

    private UUID step(UUID scan, int position) {
        UUID id = UUID.randomUUID();
        String tool = TOOLS.get(position);
        StepPlan plan = new StepPlan(tool, "nubicustos-test/prowler:1", tool + "-scan", List.of("aws"), null, "/reports",
                new CredentialsMount("aws", "/home/prowler/.aws"), "nubicustos_security-net", Map.of("AWS_PROFILE", "default"),
                List.of(0, 3), Map.of(), null, "prowler", ResourceLimits.NONE);
        jdbc.sql("""
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at)
                values (:id, :scan, :tool, :position, 'queued', cast(:plan as jsonb), :now)
                """).param("id", id).param("scan", scan).param("tool", tool).param("position", position).param("plan", json.writeValueAsString(plan))
                .param("now", now()).update();
        return id;
    }

    private void expireLease(UUID step) {
        jdbc.sql("update scan_steps set lease_until = clock_timestamp() - interval '1 second' where id = :id").param("id", step).update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
