package io.nubicustos.gateway.campaign;

import io.nubicustos.gateway.scan.ScanCanceller;
import io.nubicustos.gateway.scan.ScanCreator;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.support.logging.LogContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Campaigns: one request over many accounts, one child scan each. Creating and cancelling need {@code scan}. */
@RestController
@RequestMapping("/api/campaigns")
class CampaignController {

    private static final String CANCEL = io.nubicustos.model.campaign.CampaignTransitions.CANCEL.sql();
    // why: the children are locked before the campaign, in the order the processor and a single scan's cancel lock them
    // (scan, then campaign), so a child settling meanwhile waits or is done, never deadlocks with this
    private static final String LOCK_UNSETTLED_CHILDREN = StatusSql.expand("""
            select id from scans where campaign_id = :id and status in {scan:queued,running} order by id for update
            """);

    private final CampaignCreator creator;
    private final CampaignQueries queries;
    private final ScanCanceller canceller;
    private final JdbcClient jdbc;
    private final Clock clock;

    private final CampaignAnnouncements announcements;

    CampaignController(CampaignCreator creator, CampaignQueries queries, ScanCanceller canceller, JdbcClient jdbc, Clock clock,
                       CampaignAnnouncements announcements) {
        this.announcements = announcements;
        this.creator = creator;
        this.queries = queries;
        this.canceller = canceller;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Requires(Role.SCAN)
    @PostMapping(consumes = "application/json")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "202", description = "queued: one scan per account; Location names the campaign")
    ResponseEntity<Map<String, Object>> create(@RequestBody JsonNode body) {
        String actor = AuditTrail.actor();
        CampaignCreator.Created created = creator.create(body, "rest", null, actor == null ? "rest" : actor,
                new ScanCreator.Requester("rest", org.slf4j.MDC.get(LogContext.REQUEST_ID)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("campaign_id", created.campaignId());
        answer.put("status", "running");
        answer.put("profile", created.profile());
        answer.put("scans", created.scans());
        answer.put("skipped", created.skipped());
        answer.put("status_url", "/api/campaigns/" + created.campaignId());
        return ResponseEntity.accepted().location(URI.create("/api/campaigns/" + created.campaignId())).body(answer);
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(name = "limit", defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw ApiException.badRequest("limit", "limit is 1 to 500");
        }
        return Map.of("campaigns", queries.list(limit));
    }

    /** Progress, sums, the per-account table and what changed since the previous campaign of the same profile and selection. */
    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable("id") UUID id) {
        return queries.detail(id).orElseThrow(() -> notFound(id));
    }

    /** Each failing check with the accounts failing it, most widespread first. */
    @GetMapping("/{id}/checks")
    Map<String, Object> checks(@PathVariable("id") UUID id, @RequestParam(name = "limit", defaultValue = "200") int limit) {
        if (limit < 1 || limit > 2000) {
            throw ApiException.badRequest("limit", "limit is 1 to 2000");
        }
        if (!queries.exists(id)) {
            throw notFound(id);
        }
        return Map.of("campaign_id", id, "checks", queries.checks(id, limit));
    }

    /** Cancels the campaign and its queued and running child scans (settled ones keep their results). */
    @Requires(Role.SCAN)
    @PostMapping("/{id}/cancel")
    @Transactional
    Map<String, Object> cancel(@PathVariable("id") UUID id) {
        if (!queries.exists(id)) {
            throw notFound(id);
        }
        // why: before the children's rows: a claim moving their steps to running holds it (ClaimLock)
        jdbc.sql(io.nubicustos.model.scan.ClaimLock.SQL).query().listOfRows();
        List<UUID> children = jdbc.sql(LOCK_UNSETTLED_CHILDREN).param("id", id).query(UUID.class).list();
        // why: the campaign before its children, so that its last child's cancellation does not settle it as degraded
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean cancelled = jdbc.sql(CANCEL).param("id", id).param("now", now).update() == 1;
        int count = 0;
        for (UUID child : children) {
            // why: locked above while queued or running, so each can be cancelled
            if (canceller.cancel(child)) {
                count++;
            }
        }
        if (cancelled) {
            announcements.cancelled(id, children.isEmpty() ? null : children.get(0), now);
        }
        AuditTrail.detail(Map.of("cancelled_campaign", id, "cancelled_scans", count));
        if (!cancelled && count == 0) {
            throw new ApiException(HttpStatus.CONFLICT, "campaign_settled", null, "campaign " + id + " already settled; nothing to cancel");
        }
        return Map.of("campaign_id", id, "status", "cancelled", "cancelled_scans", count);
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("campaign_not_found", "no campaign with id " + id);
    }
}
