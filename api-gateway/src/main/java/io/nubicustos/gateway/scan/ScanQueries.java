package io.nubicustos.gateway.scan;

import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepStatus;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.triage.TriageMatch;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;


import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.ArrayList;

/** Read models of scans and their steps: what the status, errors and detail endpoints answer. */
@Repository
public class ScanQueries {

    private static final JsonMapper STORED_JSON = JsonMapper.builder().build();

    private static final String SCAN_COLUMNS = """
            s.id, profile, aws_profile, array_to_string(severity_filter, ',') as severity_filter, status, source,
            created_at, started_at, completed_at, findings_total, findings_critical, findings_high, findings_medium,
            findings_low, findings_info, findings_needs_review, findings_suppressed, schedule_id, degraded, degraded_reasons::text,
            degradation_accepted_at, degradation_accepted_by, left_out::text, created_by,
            coalesce(cached.total, tc.total, 0) as triaged_total, coalesce(cached.critical, tc.critical, 0) as triaged_critical,
            coalesce(cached.high, tc.high, 0) as triaged_high, coalesce(cached.medium, tc.medium, 0) as triaged_medium,
            coalesce(cached.low, tc.low, 0) as triaged_low, coalesce(cached.info, tc.info, 0) as triaged_info,
            cached.scan_id is not null as triage_cached, (select version from triage_versions) as triage_version,
            (select min(expires_at) from triage_rules where expires_at > :triageNow) as triage_valid_until,
            exists (select 1 from scan_steps st where st.scan_id = s.id and st.status not in\s""" + StepStatus.terminalSqlList() + """
            ) as steps_unsettled
            """;
    /**
     * The failed findings of scan {@code s} that active triage rules cover, by severity: they are shown, not counted.
     * A settled scan's counts come from scan_triage_counts while they hold (see V23), and are worked out otherwise.
     * why: the gate is evaluated once per statement, so without an active rule no scan's findings are read
     */
    private static final String TRIAGED = """
             from scans s left join lateral (
                 select * from scan_triage_counts c
                  where c.scan_id = s.id and c.rules_version = (select version from triage_versions)
                    and (c.valid_until is null or c.valid_until > :triageNow)
             ) cached on true left join lateral (
                 select count(*) as total, count(*) filter (where f.severity = 'critical') as critical,
                        count(*) filter (where f.severity = 'high') as high, count(*) filter (where f.severity = 'medium') as medium,
                        count(*) filter (where f.severity = 'low') as low, count(*) filter (where f.severity = 'info') as info
                   from findings f
                  where cached.scan_id is null
                    and (select exists (select 1 from triage_rules where expires_at is null or expires_at > :triageNow))
                    and f.scan_id = s.id and f.status = 'fail'
                    and\s""" + TriageMatch.IS_TRIAGED + """
             ) tc on true
            """;
    private static final String SCAN_BY_ID = "select " + SCAN_COLUMNS + TRIAGED + " where s.id = :id";
    private static final String SCANS_PAGE = "select " + SCAN_COLUMNS + TRIAGED + """
             where (cast(:status as text) is null or status = :status)
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
                   plan ->> 'image' as image, image_id, tool_version, reports
            from scan_steps where scan_id = :scanId order by position
            """;

    private static final String ATTEMPTS_OF_SCAN = """
            select a.step_id, a.attempt, a.worker, a.docker_host, a.started_at, a.finished_at, a.outcome, a.error
              from step_attempts a join scan_steps s on s.id = a.step_id
             where s.scan_id = :scanId order by a.step_id, a.attempt
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    ScanQueries(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    public ScanView scan(UUID id) {
        List<TriageCounts> worked = new ArrayList<>();
        ScanView view = jdbc.sql(SCAN_BY_ID).param("id", id).param("triageNow", now()).query((rs, n) -> scanView(rs, worked)).optional()
                .orElseThrow(() -> ApiException.notFound("scan_not_found", "no scan with id " + id));
        keep(worked);
        return view;
    }

    /** A settled scan's triaged counts as worked out, with the rules' version and the first expiry they hold until. */
    private record TriageCounts(UUID scanId, long version, @Nullable OffsetDateTime validUntil, int total, int critical, int high,
                                int medium, int low, int info) {
    }

    private static final String KEEP_COUNTS = """
            insert into scan_triage_counts (scan_id, rules_version, valid_until, total, critical, high, medium, low, info)
            values (:scanId, :version, :validUntil, :total, :critical, :high, :medium, :low, :info)
            on conflict (scan_id) do update set rules_version = excluded.rules_version, valid_until = excluded.valid_until,
                   total = excluded.total, critical = excluded.critical, high = excluded.high, medium = excluded.medium,
                   low = excluded.low, info = excluded.info,
                   findings_kept = scan_triage_counts.findings_kept and scan_triage_counts.rules_version = excluded.rules_version
                                   and scan_triage_counts.valid_until is not distinct from excluded.valid_until
             where scan_triage_counts.rules_version <= excluded.rules_version
            """;

    /** Keeps what was worked out for settled scans (a settled scan's findings do not change; the rules' version says the rest). */
    private void keep(List<TriageCounts> worked) {
        for (TriageCounts counts : worked) {
            try {
                jdbc.sql(KEEP_COUNTS).param("scanId", counts.scanId()).param("version", counts.version()).param("validUntil", counts.validUntil())
                        .param("total", counts.total()).param("critical", counts.critical()).param("high", counts.high())
                        .param("medium", counts.medium()).param("low", counts.low()).param("info", counts.info()).update();
            } catch (org.springframework.dao.DataIntegrityViolationException deletedMeanwhile) {
                // why: the scan was deleted between the read and this write; there is nothing to keep
            }
        }
    }

    /**
     * Answers 404 for a scan that does not exist; for routes that need the scan's existence, not its view (which
     * counts its triaged findings).
     */
    public void requireExists(UUID id) {
        if (!jdbc.sql("select exists (select 1 from scans where id = :id)").param("id", id).query(Boolean.class).single()) {
            throw ApiException.notFound("scan_not_found", "no scan with id " + id);
        }
    }

    public List<ScanView> page(String status, UUID scheduleId, int limit, long offset) {
        List<TriageCounts> worked = new ArrayList<>();
        List<ScanView> views = jdbc.sql(SCANS_PAGE).param("status", status).param("scheduleId", scheduleId == null ? null : scheduleId.toString())
                .param("limit", limit).param("offset", offset).param("triageNow", now())
                .query((rs, n) -> scanView(rs, worked)).list();
        keep(worked);
        return views;
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
                time(rs, "container_finished_at"), time(rs, "completed_at"), rs.getString("image_id"), rs.getString("tool_version"),
                reportFiles(rs.getString("reports")))).list();
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

    private static ScanView scanView(ResultSet rs, List<TriageCounts> worked) throws SQLException {
        // why: a cancelled scan's reporting step still adds findings; only a scan whose every step is done keeps its counts
        if (!rs.getBoolean("triage_cached") && ScanStatus.fromDb(rs.getString("status")).isTerminal() && !rs.getBoolean("steps_unsettled")) {
            worked.add(new TriageCounts(rs.getObject("id", UUID.class), rs.getLong("triage_version"), time(rs, "triage_valid_until"),
                    rs.getInt("triaged_total"), rs.getInt("triaged_critical"), rs.getInt("triaged_high"), rs.getInt("triaged_medium"),
                    rs.getInt("triaged_low"), rs.getInt("triaged_info")));
        }
        Map<String, Integer> findings = new LinkedHashMap<>();
        // why: a triaged finding is shown but not counted, so a CI gate on these counts can be quieted for an accepted risk
        for (String severity : new String[] {"total", "critical", "high", "medium", "low", "info"}) {
            findings.put(severity, Math.max(0, rs.getInt("findings_" + severity) - rs.getInt("triaged_" + severity)));
        }
        findings.put("needs_review", rs.getInt("findings_needs_review"));
        findings.put("suppressed", rs.getInt("findings_suppressed"));
        findings.put("triaged", rs.getInt("triaged_total"));
        String severities = rs.getString("severity_filter");
        return new ScanView(rs.getObject("id", UUID.class), rs.getString("profile"), rs.getString("aws_profile"),
                severities == null || severities.isEmpty() ? List.of() : List.of(severities.split(",")),
                rs.getString("status"), rs.getString("source"), time(rs, "created_at"), time(rs, "started_at"),
                time(rs, "completed_at"), findings, rs.getObject("schedule_id", UUID.class), rs.getBoolean("degraded"),
                degradation(rs.getString("degraded_reasons"), time(rs, "degradation_accepted_at"), rs.getString("degradation_accepted_by")),
                leftOut(rs.getString("left_out")), rs.getString("created_by"));
    }

    private static Map<String, String> leftOut(@Nullable String stored) {
        Map<String, String> left = new LinkedHashMap<>();
        if (stored != null) {
            STORED_JSON.readTree(stored).properties().forEach(e -> left.put(e.getKey(), e.getValue().asString()));
        }
        return left;
    }

    /** What the report-processor stored when it marked the scan degraded: its baseline and the reasons per tool. */
    private static @Nullable Degradation degradation(@Nullable String stored, @Nullable OffsetDateTime acceptedAt, @Nullable String acceptedBy) {
        if (stored == null) {
            return null;
        }
        JsonNode node = STORED_JSON.readTree(stored);
        Map<String, List<String>> tools = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> tool : node.path("tools").properties()) {
            List<String> reasons = new ArrayList<>();
            tool.getValue().forEach(reason -> reasons.add(reason.asString()));
            tools.put(tool.getKey(), reasons);
        }
        Map<String, UUID> baselines = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> tool : node.path("baselines").properties()) {
            baselines.put(tool.getKey(), UUID.fromString(tool.getValue().asString()));
        }
        String baseline = node.path("baseline_scan_id").asString(null);
        return new Degradation(baseline == null ? null : UUID.fromString(baseline), baselines, tools, acceptedAt, acceptedBy);
    }

    /**
     * Why a scan is degraded: for each tool that saw far less, how, and against which scan (per tool, the previous settled,
     * not degraded scan of its profile and account in which the tool succeeded); and whether an operator accepted it.
     */
    public record Degradation(@Nullable UUID baselineScanId, Map<String, UUID> baselines, Map<String, List<String>> tools,
                              @Nullable OffsetDateTime acceptedAt, @Nullable String acceptedBy) {
    }

    private static final String ACCEPT_DEGRADATION = """
            update scans set degradation_accepted_at = :now, degradation_accepted_by = :actor
             where id = :id and degraded and degradation_accepted_at is null
            """;

    /** Accepts a degraded scan's loss of coverage (an operator knows why): it becomes a baseline again. */
    public boolean acceptDegradation(UUID id, String actor) {
        return jdbc.sql(ACCEPT_DEGRADATION).param("id", id).param("now", now()).param("actor", actor).update() == 1;
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    public record ScanView(UUID id, String profile, String awsProfile, List<String> severityFilter, String status,
                           String source, OffsetDateTime createdAt, @Nullable OffsetDateTime startedAt,
                           @Nullable OffsetDateTime completedAt, Map<String, Integer> findings, @Nullable UUID scheduleId,
                           boolean degraded, @Nullable Degradation degradation, Map<String, String> leftOut,
                           @Nullable String createdBy) {
    }

    /** One attempt of a step: the worker and Docker host it ran on, and how it ended. */
    public record AttemptView(int attempt, String worker, @Nullable String dockerHost, @Nullable OffsetDateTime startedAt,
                              @Nullable OffsetDateTime finishedAt, @Nullable String outcome, @Nullable String error) {
    }

    /**
     * @param image       the image the plan named
     * @param imageId     the engine's id of the image the container really ran ({@code sha256:...}); null before it was created
     * @param toolVersion the image's OCI version label ({@code org.opencontainers.image.version}), else the tag the plan named
     * @param reports     every file the tool left, with its size and SHA-256, as the report-processor read them; null before
     *                    the step was processed
     */
    public record StepView(UUID id, String tool, String status, int attempt, @Nullable String owner, String image,
                           @Nullable String containerName, @Nullable Integer exitCode, @Nullable Boolean oomKilled,
                           @Nullable String error, @Nullable String note, @Nullable String logTail, @Nullable Integer findingsCount,
                           @Nullable OffsetDateTime queuedAt, @Nullable OffsetDateTime startedAt,
                           @Nullable OffsetDateTime containerStartedAt, @Nullable OffsetDateTime containerFinishedAt,
                           @Nullable OffsetDateTime completedAt, @Nullable String imageId, @Nullable String toolVersion,
                           @Nullable List<ReportFile> reports) {
    }

    /** @param sha256 the file's SHA-256 in hex; null for a file past the processor's hashing budget */
    public record ReportFile(String path, long size, @Nullable String sha256) {
    }

    private static @Nullable List<ReportFile> reportFiles(@Nullable String stored) {
        if (stored == null) {
            return null;
        }
        List<ReportFile> files = new ArrayList<>();
        for (JsonNode file : STORED_JSON.readTree(stored)) {
            files.add(new ReportFile(file.path("path").asString(), file.path("size").asLong(),
                    file.path("sha256").isNull() || file.path("sha256").isMissingNode() ? null : file.path("sha256").asString()));
        }
        return files;
    }
}
