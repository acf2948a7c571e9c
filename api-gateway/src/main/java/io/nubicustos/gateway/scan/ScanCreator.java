package io.nubicustos.gateway.scan;

import io.nubicustos.model.messaging.ScanEvents;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.gateway.web.Printable;
import io.nubicustos.support.logging.LogContext;
import io.nubicustos.support.tracing.StoredTraces;
import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.credentials.AwsProfiles;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.outbox.OutboxWakeup;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.model.scan.ScanPlanner;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.model.scan.Ids;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates a scan: the scan row, one queued step per tool and one outbox row per step, in ONE
 * statement (so one round trip and one commit). Nothing is sent to Kafka here; the {@code OutboxRelay},
 * woken once the statement committed, publishes the rows, so a scan acknowledged to a client exists even
 * when Kafka is down at that moment.
 */
@Service
public class ScanCreator {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ScanCreator.class);

    /**
     * The scan, its steps and their outbox rows in one statement: one round trip per accepted scan. A request
     * id seen before inserts nothing (the scan, and with it the steps and rows, come from the scan CTE).
     */
    private static final String CREATE = StatusSql.expand("""
            with scan as (
                insert into scans (id, profile, aws_profile, severity_filter, status, source, request_id, created_at, max_parallel, schedule_id,
                                   left_out, created_by, trace_parent, campaign_id, account_id)
                values (:id, :profile, :awsProfile, string_to_array(:severities, ','), {scan:queued}, :source, :requestId, :now, :maxParallel,
                        cast(:scheduleId as uuid), cast(:leftOut as jsonb), :createdBy, :trace, cast(:campaignId as uuid), cast(:accountId as text))
                on conflict (request_id) do nothing
                returning id
            ), planned as (
                select * from jsonb_to_recordset(cast(:steps as jsonb)) as p(id uuid, tool text, position int, plan jsonb)
            ), steps as (
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at)
                select p.id, scan.id, p.tool, p.position, {step:queued}, p.plan, :now from scan, planned p
                returning id, scan_id, tool
            ), commands as (
                insert into outbox (topic, message_key, payload, created_at, trace_parent)
                select :topic, steps.id::text, json_build_object('step_id', steps.id, 'scan_id', steps.scan_id, 'tool', steps.tool)::text, :now,
                       :trace
                  from steps
            ), accepted as (
                insert into outbox (topic, message_key, payload, created_at, trace_parent)
                select :eventsTopic, scan.id::text, :accepted, :now, :trace from scan
            )
            select count(*) from scan
            """);
    private static final String SCAN_BY_REQUEST = "select id from scans where request_id = :requestId";

    private final JdbcClient jdbc;
    private final ScanPlanner planner;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final OutboxWakeup outbox;
    private final AwsProfiles awsProfiles;
    private final StoredTraces traces;
    private final Map<String, Counter> submitted = new ConcurrentHashMap<>();

    ScanCreator(JdbcClient jdbc, ScanPlanner planner, ObjectMapper json, Clock clock, MeterRegistry meters, OutboxWakeup outbox,
                AwsProfiles awsProfiles, StoredTraces traces) {
        this.awsProfiles = awsProfiles;
        this.traces = traces;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.planner = planner;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
    }

    /** The steps a request would run, without creating anything. */
    public List<StepPlan> plan(ScanRequest request, UUID scanId) {
        List<StepPlan> plans = planner.plan(request.profile(), request.awsProfile(), request.severityFilter(), request.limits(),
                request.scope(), scanId);
        // why: decided here, once, and written into the plan: a worker that sees other files never picks another source
        return awsProfiles.ambient(request.awsProfile()) ? plans.stream().map(StepPlan::withAmbientCredentials).toList() : plans;
    }

    /**
     * Creates the scan unless a scan already exists for {@code requestId} (a redelivered request), in
     * which case that scan is answered and nothing is written.
     */
    /** Creates a scan the current request asked for: its creator is the caller (the key's name). */
    public CreatedScan create(ScanRequest request, String source, String requestId) {
        String actor = AuditTrail.actor();
        return create(request, source, requestId, null, actor == null ? source : actor,
                new Requester(source, org.slf4j.MDC.get(LogContext.REQUEST_ID)));
    }

    /** Creates the scan of a schedule's due time ({@code requestId} names the schedule and the time). */
    public CreatedScan create(ScanRequest request, String source, String requestId, UUID scheduleId) {
        return create(request, source, requestId, scheduleId, "schedule " + scheduleId, new Requester(source, requestId));
    }

    /**
     * Who asked, as the {@code io.nubicustos.scan.accepted} event names them so they can find their scan: a CloudEvent's
     * own {@code source} and {@code id}, a plain record's topic, partition and offset, a REST call's {@code X-Request-Id}.
     */
    public record Requester(String source, @org.jspecify.annotations.Nullable String id) {
    }

    /** @param createdBy who asked: a key's name, {@code kafka <source>}, {@code schedule <id>} */
    public CreatedScan create(ScanRequest request, String source, String requestId, UUID scheduleId, String createdBy, Requester requester) {
        return create(request, source, requestId, scheduleId, createdBy, requester, null);
    }

    /**
     * One account's scan of a campaign: the scan names the account (its caps and API budget key on it) and, for a
     * role-reached account, every AWS step stages a profile that assumes the account's role, its session named after the scan.
     *
     * @param role the account's role for a scan id, or null for an account reached through a profile
     */
    public CreatedScan createForAccount(ScanRequest request, String source, String createdBy, Requester requester, UUID campaignId,
                                        String accountId, java.util.function.Function<UUID, io.nubicustos.model.catalog.ToolDefinition.AssumedRole> role,
                                        UUID scheduleId) {
        return create(request, source, null, scheduleId, createdBy, requester, new Target(campaignId, accountId, role));
    }

    private record Target(UUID campaignId, String accountId,
                          java.util.function.Function<UUID, io.nubicustos.model.catalog.ToolDefinition.AssumedRole> role) {
    }

    private CreatedScan create(ScanRequest request, String source, String requestId, UUID scheduleId, String createdBy, Requester requester,
                               Target target) {
        UUID scanId = Ids.timeOrdered(clock);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        List<StepPlan> plans = plan(request, scanId);
        var role = target == null || target.role() == null ? null : target.role().apply(scanId);
        if (role != null) {
            plans = plans.stream().map(plan -> plan.assuming(role)).toList();
        }
        Map<String, String> leftOut = leftOut(request);
        List<Map<String, Object>> steps = new ArrayList<>(plans.size());
        for (int position = 0; position < plans.size(); position++) {
            StepPlan plan = plans.get(position);
            // why: random, not time-ordered: a step's container is named after the first 12 digits of its id
            steps.add(Map.of("id", Ids.random(), "tool", plan.tool(), "position", position, "plan", plan));
        }
        Map<String, Object> requesterData = new java.util.LinkedHashMap<>();
        requesterData.put("source", Printable.of(requester.source(), 200));
        requesterData.put("id", requester.id() == null ? null : Printable.of(requester.id(), 200));
        Map<String, Object> acceptedData = new java.util.LinkedHashMap<>();
        acceptedData.put("scan_id", scanId);
        acceptedData.put("status", ScanStatus.QUEUED.db());
        acceptedData.put("profile", request.profile().name());
        acceptedData.put("aws_profile", request.awsProfile());
        acceptedData.put("tools", plans.stream().map(StepPlan::tool).toList());
        acceptedData.put("requester", requesterData);
        if (target != null) {
            acceptedData.put("campaign_id", target.campaignId());
            acceptedData.put("account_id", target.accountId());
        }
        String accepted = json.writeValueAsString(ScanEvents.of(ScanEvents.TYPE_PREFIX + "accepted", scanId, "/nubicustos/api-gateway",
                now, acceptedData));
        long inserted = jdbc.sql(CREATE)
                .param("id", scanId)
                .param("profile", request.profile().name())
                .param("awsProfile", request.awsProfile())
                .param("severities", request.severityFilter().stream().map(Severity::db).collect(Collectors.joining(",")))
                .param("source", source)
                .param("createdBy", createdBy)
                .param("requestId", requestId)
                .param("scheduleId", scheduleId == null ? null : scheduleId.toString())
                .param("now", now)
                .param("maxParallel", request.effectiveMaxParallel())
                .param("steps", json.writeValueAsString(steps))
                .param("leftOut", leftOut.isEmpty() ? null : json.writeValueAsString(leftOut))
                .param("topic", Topics.TOOL_STEPS)
                .param("trace", traces.current())
                .param("eventsTopic", Topics.SCAN_EVENTS)
                .param("accepted", accepted)
                .param("campaignId", target == null ? null : target.campaignId().toString())
                .param("accountId", target == null ? null : target.accountId())
                .query(Long.class).single();
        if (inserted == 0) {
            UUID existing = jdbc.sql(SCAN_BY_REQUEST).param("requestId", requestId).query(UUID.class).single();
            return new CreatedScan(existing, planned(request), false);
        }
        // why: a caller's own transaction (if any) decides when the rows are visible to the relay
        outbox.afterCommit();
        try (LogContext ignored = LogContext.scan(scanId)) {
            // why: debug, not info: one line per accepted scan on the intake's hot path (the audit log keeps who asked)
            log.debug("Scan {} accepted: profile {}, {} step(s), asked by {} ({})", scanId, request.profile().name(), plans.size(),
                    Printable.of(createdBy, 80), source);
        }
        submitted.computeIfAbsent(request.profile().name() + "|" + source, key -> meters.counter("nubicustos.scans.submitted",
                "profile", request.profile().name(), "source", source)).increment();
        return new CreatedScan(scanId, planned(request), true);
    }

    /** The profile's tools that cannot run here, with why (for the dry run and the scan's /errors). */
    public Map<String, String> leftOut(ScanRequest request) {
        return planner.leftOut(request.profile());
    }

    private List<String> planned(ScanRequest request) {
        Map<String, String> left = leftOut(request);
        return request.profile().tools().stream().filter(t -> !left.containsKey(t)).toList();
    }

    /** What each tool cannot take of the request's scope (for the dry run). */
    public java.util.Map<String, List<String>> scopeNotHonoured(ScanRequest request) {
        return planner.notHonoured(request.profile(), request.scope());
    }

    /** The scan a request created, or found already created by an earlier delivery of the same request. */
    public record CreatedScan(UUID scanId, List<String> tools, boolean isNew) {
        public Optional<UUID> newScan() {
            return isNew ? Optional.of(scanId) : Optional.empty();
        }
    }
}
