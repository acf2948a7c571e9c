package io.nubicustos.gateway.scan;

import io.nubicustos.gateway.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;


import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;

/** Read models of scans and their steps: what the status, errors and detail endpoints answer. */
@Repository
public class ScanQueries {

    private static final String SCAN_COLUMNS = """
            id, profile, aws_profile, array_to_string(severity_filter, ',') as severity_filter, status, source,
            created_at, started_at, completed_at, findings_total, findings_critical, findings_high, findings_medium,
            findings_low, findings_info, findings_needs_review, findings_suppressed, schedule_id
            """;
    private static final String SCAN_BY_ID = "select " + SCAN_COLUMNS + " from scans where id = :id";
    private static final String SCANS_PAGE = "select " + SCAN_COLUMNS + """
             from scans where (cast(:status as text) is null or status = :status)
              and (cast(:scheduleId as uuid) is null or schedule_id = cast(:scheduleId as uuid))
             order by created_at desc, id limit :limit offset :offset
            """;
    private static final String SCANS_COUNT =
            """
            select count(*) from scans where (cast(:status as text) is null or status = :status)
               and (cast(:scheduleId as uuid) is null or schedule_id = cast(:scheduleId as uuid))
            """;
    private static final String STEPS_OF_SCAN = """
            select id, tool, status, attempt, owner, execution_id, container_name, exit_code, oom_killed, error,
                   nullif(concat_ws('; ', note, capture_note), '') as note,
                   log_tail, findings_count, queued_at, started_at, container_started_at, container_finished_at, completed_at,
                   plan ->> 'image' as image
            from scan_steps where scan_id = :scanId order by position
            """;

    private static final String ATTEMPTS_OF_SCAN = """
            select a.step_id, a.attempt, a.worker, a.docker_host, a.started_at, a.finished_at, a.outcome, a.error
              from step_attempts a join scan_steps s on s.id = a.step_id
             where s.scan_id = :scanId order by a.step_id, a.attempt
            """;

    private final JdbcClient jdbc;

    ScanQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public ScanView scan(UUID id) {
        return jdbc.sql(SCAN_BY_ID).param("id", id).query(ScanQueries::scanView).optional()
                .orElseThrow(() -> ApiException.notFound("scan_not_found", "no scan with id " + id));
    }

    public List<ScanView> page(String status, UUID scheduleId, int limit, long offset) {
        return jdbc.sql(SCANS_PAGE).param("status", status).param("scheduleId", scheduleId == null ? null : scheduleId.toString())
                .param("limit", limit).param("offset", offset)
                .query(ScanQueries::scanView).list();
    }

    public long count(String status, UUID scheduleId) {
        return jdbc.sql(SCANS_COUNT).param("status", status).param("scheduleId", scheduleId == null ? null : scheduleId.toString())
                .query(Long.class).single();
    }

    public List<StepView> steps(UUID scanId) {
        return jdbc.sql(STEPS_OF_SCAN).param("scanId", scanId).query((rs, n) -> new StepView(
                rs.getObject("id", UUID.class), rs.getString("tool"), rs.getString("status"), rs.getInt("attempt"),
                rs.getString("owner"), rs.getString("image"), rs.getString("container_name"),
                (Integer) rs.getObject("exit_code"), (Boolean) rs.getObject("oom_killed"), rs.getString("error"),
                rs.getString("note"), rs.getString("log_tail"), (Integer) rs.getObject("findings_count"),
                time(rs, "queued_at"), time(rs, "started_at"), time(rs, "container_started_at"),
                time(rs, "container_finished_at"), time(rs, "completed_at"))).list();
    }

    /** Every attempt of every step of the scan, by step, oldest first: where it ran and how it ended. */
    public Map<UUID, List<AttemptView>> attempts(UUID scanId) {
        Map<UUID, List<AttemptView>> attempts = new LinkedHashMap<>();
        jdbc.sql(ATTEMPTS_OF_SCAN).param("scanId", scanId).query((rs, n) -> attempts.computeIfAbsent(rs.getObject("step_id", UUID.class),
                id -> new ArrayList<>()).add(new AttemptView(rs.getInt("attempt"), rs.getString("worker"),
                rs.getString("docker_host"), time(rs, "started_at"), time(rs, "finished_at"), rs.getString("outcome"),
                rs.getString("error")))).list();
        return attempts;
    }

    private static ScanView scanView(ResultSet rs, int row) throws SQLException {
        Map<String, Integer> findings = new LinkedHashMap<>();
        findings.put("total", rs.getInt("findings_total"));
        findings.put("critical", rs.getInt("findings_critical"));
        findings.put("high", rs.getInt("findings_high"));
        findings.put("medium", rs.getInt("findings_medium"));
        findings.put("low", rs.getInt("findings_low"));
        findings.put("info", rs.getInt("findings_info"));
        findings.put("needs_review", rs.getInt("findings_needs_review"));
        findings.put("suppressed", rs.getInt("findings_suppressed"));
        String severities = rs.getString("severity_filter");
        return new ScanView(rs.getObject("id", UUID.class), rs.getString("profile"), rs.getString("aws_profile"),
                severities == null || severities.isEmpty() ? List.of() : List.of(severities.split(",")),
                rs.getString("status"), rs.getString("source"), time(rs, "created_at"), time(rs, "started_at"),
                time(rs, "completed_at"), findings, rs.getObject("schedule_id", UUID.class));
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    public record ScanView(UUID id, String profile, String awsProfile, List<String> severityFilter, String status,
                           String source, OffsetDateTime createdAt, @Nullable OffsetDateTime startedAt,
                           @Nullable OffsetDateTime completedAt, Map<String, Integer> findings, @Nullable UUID scheduleId) {
    }

    /** One attempt of a step: the worker and Docker host it ran on, and how it ended. */
    public record AttemptView(int attempt, String worker, @Nullable String dockerHost, @Nullable OffsetDateTime startedAt,
                              @Nullable OffsetDateTime finishedAt, @Nullable String outcome, @Nullable String error) {
    }

    public record StepView(UUID id, String tool, String status, int attempt, @Nullable String owner, String image,
                           @Nullable String containerName, @Nullable Integer exitCode, @Nullable Boolean oomKilled,
                           @Nullable String error, @Nullable String note, @Nullable String logTail, @Nullable Integer findingsCount,
                           @Nullable OffsetDateTime queuedAt, @Nullable OffsetDateTime startedAt,
                           @Nullable OffsetDateTime containerStartedAt, @Nullable OffsetDateTime containerFinishedAt,
                           @Nullable OffsetDateTime completedAt) {
    }
}
