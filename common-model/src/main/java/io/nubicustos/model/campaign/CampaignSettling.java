package io.nubicustos.model.campaign;

import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.model.messaging.ScanEvents;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How a campaign settles when its last child scan settles (the report-processor settling a scan, the API cancelling one):
 * {@code completed} when every child completed and none was degraded, else {@code degraded}, announced as
 * {@code io.nubicustos.campaign.completed} or {@code .degraded}. Run {@link #LOCK} first, in the child's transaction: two
 * children settling at once would otherwise each see the other still running, and neither would settle the campaign.
 */
public final class CampaignSettling {

    public static final String TYPE_PREFIX = "io.nubicustos.campaign.";

    /**
     * {@code no key update}: it excludes another child settling the campaign, but not the key-share lock the child's own
     * settling took on the campaign's row (a scan row updated twice in one transaction has its campaign key checked
     * again). {@code for update} conflicted with that: two children settling at once waited for each other (a deadlock,
     * the step retried after the sweep).
     */
    public static final String LOCK = StatusSql.expand("""
            select c.id from campaigns c join scans s on s.campaign_id = c.id
             where s.id = :scanId and c.status = {campaign:running} for no key update of c
            """);
    /** Locks a running campaign by its id (the sweep's way in). */
    public static final String LOCK_CAMPAIGN = StatusSql.expand("select id from campaigns where id = :id and status = {campaign:running} for no key update");

    /** Running campaigns none of whose children is queued or running: the sweep settles them. */
    public static final String UNSETTLED = StatusSql.expand("""
            select c.id from campaigns c where c.status = {campaign:running}
               and not exists (select 1 from scans s where s.campaign_id = c.id and s.status in {scan:queued,running})
             limit 100
            """);

    /** A campaign's status and its children's counts and sums, in the columns {@link #SETTLE} returns. Parameter: {@code id}. */
    public static final String COUNTS = StatusSql.expand("""
            select c.status, c.profile, count(s.id) as total,
                   count(s.id) filter (where s.status = {scan:completed}) as completed,
                   count(s.id) filter (where s.status = {scan:failed}) as failed,
                   count(s.id) filter (where s.status = {scan:cancelled}) as cancelled,
                   count(s.id) filter (where s.degraded) as degraded,
                   coalesce(sum(s.findings_total), 0) as total_findings, coalesce(sum(s.findings_critical), 0) as critical,
                   coalesce(sum(s.findings_high), 0) as high, coalesce(sum(s.findings_medium), 0) as medium,
                   coalesce(sum(s.findings_low), 0) as low, coalesce(sum(s.findings_info), 0) as info
              from campaigns c left join scans s on s.campaign_id = c.id
             where c.id = :id group by c.id
            """);

    /** The settle statement ({@link CampaignTransitions#SETTLE}). */
    public static final String SETTLE = CampaignTransitions.SETTLE.sql();

    private CampaignSettling() {
    }

    /** The event of a settled campaign, from the row {@link #SETTLE} returned. */
    public static Map<String, Object> event(UUID campaignId, Map<String, Object> row, String source, OffsetDateTime now) {
        Map<String, Object> accounts = new LinkedHashMap<>();
        for (String key : new String[] {"total", "completed", "failed", "cancelled", "degraded"}) {
            accounts.put(key, ((Number) row.get(key)).longValue());
        }
        Map<String, Object> findings = new LinkedHashMap<>();
        findings.put("total", ((Number) row.get("total_findings")).longValue());
        for (String key : new String[] {"critical", "high", "medium", "low", "info"}) {
            findings.put(key, ((Number) row.get(key)).longValue());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaign_id", campaignId);
        data.put("status", row.get("status"));
        data.put("profile", row.get("profile"));
        data.put("accounts", accounts);
        data.put("findings", findings);
        return ScanEvents.of(TYPE_PREFIX + row.get("status"), campaignId, source, now, data);
    }
}
