package io.nubicustos.model.campaign;

import io.nubicustos.model.lifecycle.Transition;

import java.util.EnumSet;
import java.util.List;

import static io.nubicustos.model.campaign.CampaignStatus.CANCELLED;
import static io.nubicustos.model.campaign.CampaignStatus.COMPLETED;
import static io.nubicustos.model.campaign.CampaignStatus.DEGRADED;
import static io.nubicustos.model.campaign.CampaignStatus.RUNNING;

/**
 * The one door of {@code campaigns.status}. The guard {@code status = 'running'} makes a settled or cancelled campaign
 * never move again, whoever races for it.
 */
public final class CampaignTransitions {

    /**
     * Settles the campaign once none of its child scans is queued or running: completed when all completed and none was
     * degraded, else degraded. Parameters: {@code id}, {@code now}. Returns the status and the children's counts and sums.
     */
    public static final Transition SETTLE = Transition.of("campaign_settle", "campaigns", EnumSet.of(RUNNING), EnumSet.of(COMPLETED, DEGRADED), """
            with children as (
                select count(*) as total,
                       count(*) filter (where status = {scan:completed}) as completed,
                       count(*) filter (where status = {scan:failed}) as failed,
                       count(*) filter (where status = {scan:cancelled}) as cancelled,
                       count(*) filter (where degraded) as degraded,
                       count(*) filter (where status in {scan:queued,running}) as unsettled,
                       coalesce(sum(findings_total), 0) as total_findings, coalesce(sum(findings_critical), 0) as critical,
                       coalesce(sum(findings_high), 0) as high, coalesce(sum(findings_medium), 0) as medium,
                       coalesce(sum(findings_low), 0) as low, coalesce(sum(findings_info), 0) as info
                  from scans where campaign_id = :id
            )
            update campaigns c set settled_at = :now,
                   status = case when ch.completed = ch.total and ch.degraded = 0 then {campaign:completed} else {campaign:degraded} end
              from children ch
             where c.id = :id and c.status = {campaign:running} and ch.unsettled = 0
            returning c.status, c.profile, ch.total, ch.completed, ch.failed, ch.cancelled, ch.degraded, ch.total_findings,
                      ch.critical, ch.high, ch.medium, ch.low, ch.info
            """);

    /** Cancelled on request (its children are cancelled after it). Parameters: {@code id}, {@code now}. */
    public static final Transition CANCEL = Transition.of("campaign_cancel", "campaigns", EnumSet.of(RUNNING), EnumSet.of(CANCELLED), """
            update campaigns set status = {campaign:cancelled}, settled_at = :now where id = :id and status = {campaign:running}
            """);

    public static final List<Transition> ALL = List.of(SETTLE, CANCEL);

    private CampaignTransitions() {
    }
}
