package io.nubicustos.gateway.schedule;

import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.model.catalog.ResourceLimits;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The schedules table: its rows as the API shows them, and the guarded claim of the due ones. */
@Repository
class ScheduleRepository {

    private static final String COLUMNS = """
            id, name, request, cron, time_zone, interval_ms, overlap, enabled, next_run_at, last_run_at, last_scan_id,
            last_outcome, created_by, created_at, updated_at
            """;
    private static final String INSERT = """
            insert into schedules (id, name, request, cron, time_zone, interval_ms, overlap, enabled, next_run_at, created_by,
                                   created_at, updated_at)
            values (:id, :name, cast(:request as jsonb), :cron, :zone, :intervalMs, :overlap, :enabled, :nextRunAt, :createdBy, :now, :now)
            """;
    private static final String UPDATE = """
            update schedules set name = :name, request = cast(:request as jsonb), cron = :cron, time_zone = :zone,
                   interval_ms = :intervalMs, overlap = :overlap, enabled = :enabled, updated_at = :now,
                   -- why: a change that leaves the timing alone must not put back a due time a runner fired meanwhile
                   next_run_at = case when :timingChanged then :nextRunAt else next_run_at end
             where id = :id
            """;
    /**
     * The due schedules, each locked by this transaction; another instance's claim skips them, and finds them
     * no longer due once this transaction has moved their next_run_at on.
     */
    private static final String CLAIM_DUE = "select " + COLUMNS + """
              from schedules where enabled and next_run_at <= :now
             order by next_run_at for update skip locked limit :limit
            """;
    private static final String STILL_RUNNING = StatusSql.expand("""
            select id from scans where schedule_id = :id and status in {scan:queued,running} order by created_at limit 1
            """);
    private static final String FIRED = """
            update schedules set next_run_at = cast(:next as timestamptz), enabled = enabled and cast(:next as timestamptz) is not null,
                   last_run_at = :now,
                   last_scan_id = coalesce(:scanId, last_scan_id), last_outcome = :outcome
             where id = :id
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    ScheduleRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A stored schedule: the row, with its request as JSON and its timing fields as stored. */
    record Row(UUID id, String name, JsonNode request, String cron, String timeZone, Long intervalMs, String overlap, boolean enabled,
               OffsetDateTime nextRunAt, OffsetDateTime lastRunAt, UUID lastScanId, String lastOutcome, String createdBy,
               OffsetDateTime createdAt, OffsetDateTime updatedAt) {

        Schedule view() {
            List<String> severities = new ArrayList<>();
            JsonNode filter = request.path("severity_filter");
            if (filter.isString() && !filter.asString().isBlank()) {
                severities.addAll(List.of(filter.asString().split(",")));
            }
            JsonNode limits = request.path("limits");
            ResourceLimits resourceLimits = limits.isObject() ? new ResourceLimits(text(limits, "memory"),
                    limits.hasNonNull("cpus") ? limits.get("cpus").asDouble() : null,
                    limits.hasNonNull("pids") ? limits.get("pids").asInt() : null, text(limits, "timeout")) : null;
            return new Schedule(id, name, request.path("profile").asString(),
                    request.hasNonNull("aws_profile") ? request.get("aws_profile").asString() : null,
                    request.hasNonNull("accounts") ? request.get("accounts") : null, severities,
                    resourceLimits, request.hasNonNull("max_parallel") ? request.get("max_parallel").asInt() : null, cron, timeZone,
                    intervalMs == null ? null : Duration.ofMillis(intervalMs).toString(), overlap, enabled, nextRunAt, lastRunAt,
                    lastScanId, lastOutcome, createdBy, createdAt, updatedAt);
        }

        private static String text(JsonNode node, String field) {
            return node.hasNonNull(field) ? node.get(field).asString() : null;
        }
    }

    void insert(Row row, Instant now) {
        bind(jdbc.sql(INSERT), row, now).param("createdBy", row.createdBy()).update();
    }

    boolean update(Row row, boolean timingChanged, Instant now) {
        return bind(jdbc.sql(UPDATE), row, now).param("timingChanged", timingChanged).update() == 1;
    }

    private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, Row row, Instant now) {
        return spec.param("id", row.id()).param("name", row.name()).param("request", json.writeValueAsString(row.request()))
                .param("cron", row.cron()).param("zone", row.timeZone()).param("intervalMs", row.intervalMs())
                .param("overlap", row.overlap()).param("enabled", row.enabled()).param("nextRunAt", row.nextRunAt())
                .param("now", utc(now));
    }

    Optional<Row> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from schedules where id = :id").param("id", id).query(this::row).optional();
    }

    List<Row> all() {
        return jdbc.sql("select " + COLUMNS + " from schedules order by created_at, id").query(this::row).list();
    }

    boolean delete(UUID id) {
        return jdbc.sql("delete from schedules where id = :id").param("id", id).update() == 1;
    }

    /** Call inside a transaction: the rows stay locked until it ends. */
    List<Row> claimDue(Instant now, int limit) {
        return jdbc.sql(CLAIM_DUE).param("now", utc(now)).param("limit", limit).query(this::row).list();
    }

    Optional<UUID> stillRunning(UUID scheduleId) {
        return jdbc.sql(STILL_RUNNING).param("id", scheduleId).query(UUID.class).optional();
    }

    void fired(UUID id, Instant now, Instant next, UUID scanId, String outcome) {
        jdbc.sql(FIRED).param("id", id).param("now", utc(now)).param("next", next == null ? null : utc(next)).param("scanId", scanId)
                .param("outcome", outcome).update();
    }

    private Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getString("name"), json.readTree(rs.getString("request")), rs.getString("cron"),
                rs.getString("time_zone"), (Long) rs.getObject("interval_ms"), rs.getString("overlap"), rs.getBoolean("enabled"),
                rs.getObject("next_run_at", OffsetDateTime.class), rs.getObject("last_run_at", OffsetDateTime.class),
                rs.getObject("last_scan_id", UUID.class), rs.getString("last_outcome"), rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
