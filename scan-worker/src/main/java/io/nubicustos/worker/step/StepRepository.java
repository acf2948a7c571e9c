package io.nubicustos.worker.step;

import io.nubicustos.model.scan.ScanTransitions;
import io.nubicustos.model.account.AccountKeySql;
import io.nubicustos.model.account.ApiBudgets;
import io.nubicustos.model.scan.StepTransitions;
import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.worker.docker.ContainerRunner;

import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The worker's side of {@code scan_steps}. Every state change is one guarded UPDATE whose row count
 * is checked: {@code queued -> running} (claim), {@code running -> reporting | failed} (only by the
 * owner of the current attempt), lease renewal and take-over of expired leases. The guards mirror
 * {@link io.nubicustos.model.scan.StepStatus}.
 */
@Repository
public class StepRepository {

    private static final Logger log = LoggerFactory.getLogger(StepRepository.class);

    // why: started_at and container_finished_at come from the database clock at execution, not from this
    // worker's clock read before the statement: across workers (and threads) they then follow the order in
    // which the state changes committed, which is what the caps are about

    /**
     * Claims the next steps, fairly and within the caps: candidates are ranked per scan (a scan with
     * fewer running steps goes first, then older scans), a scan never runs more than its
     * {@code max_parallel} steps, and an account ({@link AccountKeySql}: the account id, so two profiles reaching one
     * account are capped together) never more than {@code :accountCap} steps nor more tool weight than its API budget
     * ({@link ApiBudgets}; an account running nothing always admits its first candidate, and a tool of weight 0 calls no
     * cloud API and always fits). A step
     * counts as running from its claim until its container's exit is recorded: an exited container calls no
     * cloud API and takes no slot, while its log tail and report are collected.
     * Claims are serialized by a transaction-scoped advisory lock, so two workers cannot both see
     * room under a cap and both take it.
     */
    private static final String CLAIM_NEXT = StatusSql.expand("""
            with running as (
                select r.scan_id, %1$s as account_key, coalesce(cast(r.plan->>'api_weight' as int), 1) as weight
                  from scan_steps r join scans sc on sc.id = r.scan_id
                 where r.status = {step:running} and r.container_finished_at is null
            ), candidates as (
                select s.id, s.scan_id, k.account_key, sc.max_parallel, sc.created_at, s.queued_at, s.position,
                       coalesce(cast(s.plan->>'api_weight' as int), 1) as weight,
                       (select count(*) from running r where r.scan_id = s.scan_id) as scan_running,
                       (select count(*) from running r where r.account_key = k.account_key) as account_running,
                       (select coalesce(sum(r.weight), 0) from running r where r.account_key = k.account_key) as account_weight,
                       %2$s as budget
                  from scan_steps s join scans sc on sc.id = s.scan_id cross join lateral (select %1$s as account_key) k
                 where s.status = {step:queued} and sc.status in {scan:queued,running}
                   and (s.claimable_after is null or s.claimable_after <= clock_timestamp())
            ), ranked as (
                select c.*,
                       row_number() over (partition by c.scan_id order by c.position) as scan_rank,
                       row_number() over (partition by c.account_key order by c.scan_running, c.created_at, c.position) as account_rank,
                       sum(c.weight) over (partition by c.account_key order by c.scan_running, c.created_at, c.position
                                           rows between unbounded preceding and current row) as account_weight_rank
                  from candidates c
            ), picked as (
                select id from ranked
                 where (max_parallel is null or scan_running + scan_rank <= max_parallel)
                   and (:accountCap <= 0 or account_running + account_rank <= :accountCap)
                   and (:defaultBudget <= 0 or weight = 0 or account_weight + account_weight_rank <= budget
                        or (account_running = 0 and account_rank = 1))
                 order by scan_running + scan_rank, created_at, position
                 limit :limit
            ), claimed as (
            %3$s), started as (
            %4$s), attempts as (
                insert into step_attempts (step_id, attempt, worker, docker_host, started_at)
                select id, attempt, :owner, :hostLabel, :now from claimed on conflict do nothing
            )
            select c.*, sc.trace_parent from claimed c join scans sc on sc.id = c.scan_id
            """.formatted(AccountKeySql.OF_SCAN, ApiBudgets.budgetOf("k.account_key"), StepTransitions.CLAIM.sql(), ScanTransitions.START.sql()));
    /**
     * The advisory lock every claim takes, fleet-wide (ADR 4): one key for the whole queue, chosen to stay clear of
     * other users of advisory locks in the same database (host preparation hashes its own keys).
     */
    static final long CLAIM_LOCK_KEY = io.nubicustos.model.scan.ClaimLock.KEY;
    private static final String CLAIM_LOCK = io.nubicustos.model.scan.ClaimLock.SQL;
    private static final String ATTEMPTS_BEFORE = """
            select attempt, worker, docker_host, outcome, error from step_attempts
             where step_id = :id and attempt < :attempt order by attempt
            """;
    private static final String ATTEMPT_OUTCOME = """
            update step_attempts set finished_at = :now, outcome = :outcome, error = :error
             where step_id = :id and attempt = :attempt and finished_at is null
            """;
    private static final String RECORD_CONTAINER = StatusSql.expand("""
            update scan_steps set container_id = :containerId, container_started_at = :now,
                   image_id = :imageId, tool_version = :toolVersion
             where id = :id and status = {step:running} and owner = :owner and attempt = :attempt
            """);
    // why: the exit is on the row the moment it is known; the log tail and the report follow in the transition
    private static final String RECORD_EXIT = StatusSql.expand("""
            update scan_steps set exit_code = :exitCode, oom_killed = :oomKilled, container_finished_at = clock_timestamp()
             where id = :id and status = {step:running} and owner = :owner and attempt = :attempt and container_finished_at is null
            """);
    // why: leases are stamped and compared with the database's clock, never a worker's, so workers agree on expiry
    private static final String RENEW = StatusSql.expand("""
            update scan_steps set lease_until = clock_timestamp() + :leaseMillis * interval '1 millisecond'
             where id in (:ids) and status = {step:running} and owner = :owner
            """);
    private static final String MINE_RUNNING = StatusSql.expand("""
            select s.id, s.scan_id, s.tool, s.plan::text as plan, s.attempt, s.execution_id, s.container_name, s.container_id,
                   sc.trace_parent
              from scan_steps s join scans sc on sc.id = s.scan_id where s.status = {step:running} and s.owner = :owner
            """);
    private static final String EXPIRED = StatusSql.expand("""
            select id from scan_steps
             where status = {step:running} and lease_until < clock_timestamp()
               and (docker_host is null or docker_host = :dockerHost
                    or lease_until < clock_timestamp() - :foreignGraceMillis * interval '1 millisecond')
             order by lease_until limit :limit
            """);
    // why: the lease_until guard makes two sweepers racing for one orphan end with exactly one owner
    private static final String TAKE_OVER = StatusSql.expand("""
            update scan_steps set owner = :owner, lease_until = clock_timestamp() + :leaseMillis * interval '1 millisecond'
             where id = :id and status = {step:running} and lease_until < clock_timestamp()
             returning id, scan_id, tool, plan::text as plan, attempt, execution_id, container_name, container_id,
                       (select trace_parent from scans where scans.id = scan_steps.scan_id) as trace_parent
            """);

    private static final String LIVE_ATTEMPTS = StatusSql.expand("""
            select id::text || '#' || attempt from scan_steps where id in (:ids) and status = {step:running}
            """);
    private static final String STATES = "select id, status, owner, attempt from scan_steps where id in (:ids)";
    private static final String LIVE_EXECUTIONS = StatusSql.expand("select execution_id from scan_steps where status = {step:running} and execution_id is not null");

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final String owner;
    private final Duration lease;
    private final int accountCap;
    private final int defaultBudget;
    private final TransactionTemplate tx;

    StepRepository(JdbcClient jdbc, ObjectMapper json, Clock clock, WorkerIdentity identity, WorkerProperties properties,
                   TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.defaultBudget = properties.worker().accountBudget();
        this.tx = tx;
        this.accountCap = properties.worker().accountCap();
        this.json = json;
        this.clock = clock;
        this.owner = identity.id();
        this.lease = properties.worker().leaseDuration();
    }

    /**
     * Claims up to {@code limit} next steps, fairly across scans and within the per-scan and per-account caps.
     *
     * @param dockerHost the engine's ID (sweepers adopt only containers on engines they can see)
     * @param hostLabel  the engine as people name it, recorded with each attempt
     */
    public List<ClaimedStep> claimNext(int limit, String dockerHost, String hostLabel) {
        return tx.execute(status -> {
            jdbc.sql(CLAIM_LOCK).query().listOfRows();
            OffsetDateTime now = now();
            return jdbc.sql(CLAIM_NEXT).param("limit", limit).param("owner", owner).param("leaseMillis", lease.toMillis())
                    .param("now", now).param("dockerHost", dockerHost).param("hostLabel", hostLabel).param("accountCap", accountCap)
                    .param("defaultBudget", defaultBudget).query(this::claimed).list();
        });
    }

    /** An earlier attempt of a step: where it ran and how it ended. */
    public record Attempt(int attempt, String worker, String dockerHost, String outcome, String error) {
        public String where() {
            return "worker " + worker + (dockerHost == null ? "" : ", Docker engine " + dockerHost);
        }
    }

    /** The attempts of the step before its current one, oldest first. */
    public List<Attempt> attemptsBefore(ClaimedStep step) {
        return jdbc.sql(ATTEMPTS_BEFORE).param("id", step.id()).param("attempt", step.attempt())
                .query((rs, n) -> new Attempt(rs.getInt("attempt"), rs.getString("worker"), rs.getString("docker_host"),
                        rs.getString("outcome"), rs.getString("error"))).list();
    }

    /** The id this worker writes as a step's owner. */
    public String owner() {
        return owner;
    }

    /** Hands a running step back to the queue for another attempt (its container vanished, or the infrastructure failed). */
    public boolean requeue(ClaimedStep step, String reason, Duration backoff) {
        boolean moved = guarded("running -> queued (retry)", step, jdbc.sql(StepTransitions.REQUEUE.sql()).param("now", now()).param("reason", reason)
                .param("backoffMillis", backoff.toMillis())
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
        if (moved) {
            attemptOutcome(step, "retried", reason);
        }
        return moved;
    }

    /** Records how an attempt ended; the step's own row says how the step ended. */
    public void attemptOutcome(ClaimedStep step, String outcome, String error) {
        jdbc.sql(ATTEMPT_OUTCOME).param("now", now()).param("outcome", outcome).param("error", error)
                .param("id", step.id()).param("attempt", step.attempt()).update();
    }

    public boolean recordContainer(ClaimedStep step, String containerId, ContainerRunner.Provenance provenance) {
        return guarded("record container", step, jdbc.sql(RECORD_CONTAINER).param("containerId", containerId)
                .param("imageId", provenance.imageId()).param("toolVersion", provenance.toolVersion())
                .param("now", now()).param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    /**
     * Writes how the container ended, before anything else is done about it: once, by the first to know (the
     * engine's die event or its wait); false when it was written already or the step is no longer this attempt's.
     */
    public boolean recordExit(ClaimedStep step, int exitCode, boolean oomKilled) {
        int rows = jdbc.sql(RECORD_EXIT).param("exitCode", exitCode).param("oomKilled", oomKilled)
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update();
        if (rows > 1) {
            throw new IllegalStateException("record exit of step " + step.id() + " changed " + rows + " rows; this indicates a bug");
        }
        return rows == 1;
    }

    public boolean toReporting(ClaimedStep step, int exitCode, boolean oomKilled, String logTail, String captureNote) {
        return guarded("running -> reporting", step, jdbc.sql(StepTransitions.TO_REPORTING.sql()).param("exitCode", exitCode)
                .param("oomKilled", oomKilled).param("logTail", logTail).param("captureNote", captureNote).param("now", now())
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    public boolean toFailed(ClaimedStep step, Integer exitCode, Boolean oomKilled, String logTail, String error) {
        return guarded("running -> failed", step, jdbc.sql(StepTransitions.RUN_FAILED.sql()).param("exitCode", exitCode)
                .param("oomKilled", oomKilled).param("logTail", logTail).param("error", error).param("now", now())
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    public int renew(Collection<UUID> stepIds) {
        if (stepIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql(RENEW).param("leaseMillis", lease.toMillis()).param("ids", stepIds).param("owner", owner).update();
    }

    /** Steps this worker's id owns: after a restart, they belong to a previous incarnation of this worker. */
    public List<ClaimedStep> ownedRunning() {
        return jdbc.sql(MINE_RUNNING).param("owner", owner).query(this::claimed).list();
    }

    /**
     * Running steps whose lease expired: on this Docker host, or on any host once the lease is
     * {@code foreignGrace} old (a worker on another host had that long to come back for them).
     */
    public List<UUID> expired(String dockerHost, Duration foreignGrace, int limit) {
        return jdbc.sql(EXPIRED).param("dockerHost", dockerHost).param("foreignGraceMillis", foreignGrace.toMillis())
                .param("limit", limit).query(UUID.class).list();
    }

    public Optional<ClaimedStep> takeOver(UUID stepId) {
        return jdbc.sql(TAKE_OVER).param("id", stepId).param("owner", owner).param("leaseMillis", lease.toMillis())
                .query(this::claimed).optional();
    }

    /** A step's status and who holds it, as Postgres says now. */
    public record StepState(String status, String owner, int attempt) {
    }

    public Optional<StepState> stateOf(UUID stepId) {
        return Optional.ofNullable(statesOf(List.of(stepId)).get(stepId));
    }

    /** The states of the given steps; a step that no longer exists (its scan was deleted) is absent. */
    public Map<UUID, StepState> statesOf(Collection<UUID> stepIds) {
        Map<UUID, StepState> states = new HashMap<>();
        if (stepIds.isEmpty()) {
            return states;
        }
        jdbc.sql(STATES).param("ids", stepIds).query((rs, n) -> states.put(rs.getObject("id", UUID.class),
                new StepState(rs.getString("status"), rs.getString("owner"), rs.getInt("attempt")))).list();
        return states;
    }

    /** The execution ids of every running step, fleet-wide. */
    public Set<String> liveExecutions() {
        return new HashSet<>(jdbc.sql(LIVE_EXECUTIONS).query(String.class).list());
    }

    /** Of the given steps, those still running, as {@code "<step id>#<attempt>"}. */
    public Set<String> liveAttempts(Collection<UUID> stepIds) {
        if (stepIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql(LIVE_ATTEMPTS).param("ids", stepIds).query(String.class).list());
    }

    private boolean guarded(String transition, ClaimedStep step, int rows) {
        if (rows > 1) {
            throw new IllegalStateException(transition + " of step " + step.id() + " changed " + rows + " rows; this indicates a bug");
        }
        if (rows == 0) {
            log.info("Step {} ({}) attempt {}: {} did not apply; the step was cancelled or taken over by another worker",
                    step.id(), step.tool(), step.attempt(), transition);
        }
        return rows == 1;
    }

    private ClaimedStep claimed(ResultSet rs, int row) throws SQLException {
        StepPlan plan = json.readValue(rs.getString("plan"), StepPlan.class);
        return new ClaimedStep(rs.getObject("id", UUID.class), rs.getObject("scan_id", UUID.class), rs.getString("tool"),
                plan, rs.getInt("attempt"), rs.getString("execution_id"), rs.getString("container_name"),
                rs.getString("container_id"), rs.getString("trace_parent"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
