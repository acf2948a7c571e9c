package io.nubicustos.worker.step;

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

/**
 * The worker's side of {@code scan_steps}. Every state change is one guarded UPDATE whose row count
 * is checked: {@code queued -> running} (claim), {@code running -> reporting | failed} (only by the
 * owner of the current attempt), lease renewal and take-over of expired leases. The guards mirror
 * {@link io.nubicustos.model.scan.StepStatus}.
 */
@Repository
public class StepRepository {

    private static final Logger log = LoggerFactory.getLogger(StepRepository.class);

    // why: the scan moves queued -> running in the same statement as its first claimed step
    private static final String CLAIM_BY_ID = """
            with claimed as (
                update scan_steps
                   set status = 'running', owner = :owner, lease_until = :lease, attempt = attempt + 1,
                       execution_id = left(id::text, 12) || '-' || (attempt + 1),
                       container_name = (plan ->> 'container_name_prefix') || '-' || left(id::text, 12) || '-' || (attempt + 1),
                       started_at = :now, container_id = null, container_started_at = null, docker_host = :dockerHost
                 where id = :id and status = 'queued'
             returning id, scan_id, tool, plan::text as plan, attempt, execution_id, container_name, container_id
            ), started as (
                update scans set status = 'running', started_at = coalesce(started_at, :now)
                 where id in (select scan_id from claimed) and status = 'queued'
            )
            select * from claimed
            """;
    private static final String CLAIM_OLDEST = """
            with picked as (
                select id from scan_steps where status = 'queued'
                 order by queued_at, position limit :limit for update skip locked
            ), claimed as (
                update scan_steps s
                   set status = 'running', owner = :owner, lease_until = :lease, attempt = s.attempt + 1,
                       execution_id = left(s.id::text, 12) || '-' || (s.attempt + 1),
                       container_name = (s.plan ->> 'container_name_prefix') || '-' || left(s.id::text, 12) || '-' || (s.attempt + 1),
                       started_at = :now, container_id = null, container_started_at = null, docker_host = :dockerHost
                  from picked where s.id = picked.id and s.status = 'queued'
             returning s.id, s.scan_id, s.tool, s.plan::text as plan, s.attempt, s.execution_id, s.container_name, s.container_id
            ), started as (
                update scans set status = 'running', started_at = coalesce(started_at, :now)
                 where id in (select scan_id from claimed) and status = 'queued'
            )
            select * from claimed
            """;
    private static final String RECORD_CONTAINER = """
            update scan_steps set container_id = :containerId, container_started_at = :now
             where id = :id and status = 'running' and owner = :owner and attempt = :attempt
            """;
    private static final String TO_REPORTING = """
            update scan_steps
               set status = 'reporting', exit_code = :exitCode, oom_killed = :oomKilled, log_tail = :logTail,
                   container_finished_at = :now, lease_until = null
             where id = :id and status = 'running' and owner = :owner and attempt = :attempt
            """;
    private static final String TO_FAILED = """
            update scan_steps
               set status = 'failed', exit_code = :exitCode, oom_killed = :oomKilled, log_tail = :logTail, error = :error,
                   container_finished_at = coalesce(container_finished_at, :now), completed_at = :now, lease_until = null
             where id = :id and status = 'running' and owner = :owner and attempt = :attempt
            """;
    private static final String RENEW = """
            update scan_steps set lease_until = :lease
             where id in (:ids) and status = 'running' and owner = :owner
            """;
    private static final String MINE_RUNNING = """
            select id, scan_id, tool, plan::text as plan, attempt, execution_id, container_name, container_id
              from scan_steps where status = 'running' and owner = :owner
            """;
    private static final String EXPIRED = """
            select id from scan_steps
             where status = 'running' and lease_until < :now
               and (docker_host is null or docker_host = :dockerHost or lease_until < :foreignDeadline)
             order by lease_until limit :limit
            """;
    // why: the lease_until guard makes two sweepers racing for one orphan end with exactly one owner
    private static final String TAKE_OVER = """
            update scan_steps set owner = :owner, lease_until = :lease
             where id = :id and status = 'running' and lease_until < :now
             returning id, scan_id, tool, plan::text as plan, attempt, execution_id, container_name, container_id
            """;
    private static final String IS_RUNNING_FOR = """
            select count(*) from scan_steps where id = :id and status = 'running' and owner = :owner and attempt = :attempt
            """;

    private static final String LIVE_ATTEMPTS = """
            select id::text || '#' || attempt from scan_steps where id in (:ids) and status = 'running'
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final String owner;
    private final Duration lease;

    StepRepository(JdbcClient jdbc, ObjectMapper json, Clock clock, WorkerIdentity identity, WorkerProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.owner = identity.id();
        this.lease = properties.worker().leaseDuration();
    }

    /** Claims one queued step; empty when it is not queued any more (a duplicate, or cancelled). */
    public Optional<ClaimedStep> claim(UUID stepId, String dockerHost) {
        OffsetDateTime now = now();
        return jdbc.sql(CLAIM_BY_ID).param("id", stepId).param("owner", owner).param("lease", now.plus(lease))
                .param("now", now).param("dockerHost", dockerHost).query(this::claimed).optional();
    }

    /** Claims up to {@code limit} of the oldest queued steps, skipping rows other workers are claiming. */
    public List<ClaimedStep> claimOldest(int limit, String dockerHost) {
        OffsetDateTime now = now();
        return jdbc.sql(CLAIM_OLDEST).param("limit", limit).param("owner", owner).param("lease", now.plus(lease))
                .param("now", now).param("dockerHost", dockerHost).query(this::claimed).list();
    }

    public boolean recordContainer(ClaimedStep step, String containerId) {
        return guarded("record container", step, jdbc.sql(RECORD_CONTAINER).param("containerId", containerId)
                .param("now", now()).param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    public boolean toReporting(ClaimedStep step, int exitCode, boolean oomKilled, String logTail) {
        return guarded("running -> reporting", step, jdbc.sql(TO_REPORTING).param("exitCode", exitCode)
                .param("oomKilled", oomKilled).param("logTail", logTail).param("now", now())
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    public boolean toFailed(ClaimedStep step, Integer exitCode, Boolean oomKilled, String logTail, String error) {
        return guarded("running -> failed", step, jdbc.sql(TO_FAILED).param("exitCode", exitCode)
                .param("oomKilled", oomKilled).param("logTail", logTail).param("error", error).param("now", now())
                .param("id", step.id()).param("owner", owner).param("attempt", step.attempt()).update());
    }

    /** Whether this worker still holds the step's current attempt (it may have been cancelled or taken over). */
    public boolean stillMine(ClaimedStep step) {
        return jdbc.sql(IS_RUNNING_FOR).param("id", step.id()).param("owner", owner).param("attempt", step.attempt())
                .query(Long.class).single() == 1;
    }

    public int renew(Collection<UUID> stepIds) {
        if (stepIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql(RENEW).param("lease", now().plus(lease)).param("ids", stepIds).param("owner", owner).update();
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
        OffsetDateTime now = now();
        return jdbc.sql(EXPIRED).param("now", now).param("dockerHost", dockerHost)
                .param("foreignDeadline", now.minus(foreignGrace)).param("limit", limit).query(UUID.class).list();
    }

    public Optional<ClaimedStep> takeOver(UUID stepId) {
        OffsetDateTime now = now();
        return jdbc.sql(TAKE_OVER).param("id", stepId).param("owner", owner).param("lease", now.plus(lease))
                .param("now", now).query(this::claimed).optional();
    }

    /** Of the given steps, those still running, as {@code "<step id>#<attempt>"}. */
    public java.util.Set<String> liveAttempts(Collection<UUID> stepIds) {
        if (stepIds.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql(LIVE_ATTEMPTS).param("ids", stepIds).query(String.class).list());
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
                rs.getString("container_id"));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
