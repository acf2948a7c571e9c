package io.nubicustos.model.messaging;

import io.nubicustos.model.finding.Severity;

import java.util.List;

/**
 * Webhook deliveries are written in the transaction that writes the event they carry: one statement inserts a
 * delivery row for every enabled subscription to the event's type, so an event is announced exactly when its
 * state commits, and a crash between the two cannot lose either. The api-gateway's sender posts the rows.
 * <p>
 * Subscriptions name event types without the CloudEvents prefix: {@code scan.completed}, {@code scan.failed},
 * {@code scan.cancelled}, {@code scan.degraded}, and the finding lifecycle of a settled scan against its baseline (the
 * previous settled scan of the same profile and account in which the tool ran): {@code findings.new} (failing findings the
 * baseline did not have), {@code findings.reopened} (those of them that failed in an earlier scan, were fixed, and are back),
 * {@code findings.fixed} (failing in the baseline, not failing now) and {@code findings.triaged} (failing findings an active
 * triage rule covers); the finding events only when one of their findings is at or above the subscription's
 * {@code min_severity}. A campaign announces {@code campaign.completed} when every child scan settled completed and none
 * degraded, else {@code campaign.degraded}; {@code campaign.cancelled} when it is cancelled.
 */
public final class WebhookFanout {

    public static final String CLOUDEVENTS_PREFIX = "io.nubicustos.";
    public static final String FINDINGS_NEW = "findings.new";
    public static final String FINDINGS_REOPENED = "findings.reopened";
    public static final String FINDINGS_FIXED = "findings.fixed";
    public static final String FINDINGS_TRIAGED = "findings.triaged";
    public static final List<String> FINDING_EVENT_TYPES = List.of(FINDINGS_NEW, FINDINGS_REOPENED, FINDINGS_FIXED, FINDINGS_TRIAGED);
    public static final List<String> EVENT_TYPES = List.of("scan.completed", "scan.failed", "scan.cancelled", "scan.degraded",
            FINDINGS_NEW, FINDINGS_REOPENED, FINDINGS_FIXED, FINDINGS_TRIAGED, "campaign.completed", "campaign.degraded", "campaign.cancelled");

    /**
     * Parameters: {@code eventId}, {@code eventType} (short name), {@code scanId}, {@code payload} (the CloudEvent as
     * JSON), {@code now}, {@code severityRank} (for the finding events: the rank of their most severe finding, see
     * {@link #rank(Severity)}; any number for other types).
     */
    public static final String INSERT = """
            insert into webhook_deliveries (webhook_id, event_id, event_type, scan_id, payload, created_at, next_attempt_at)
            select w.id, :eventId, :eventType, :scanId, :payload, :now, :now from webhooks w
             where w.enabled and :eventType = any(w.event_types)
               and (:eventType not like 'findings.%'
                    or array_position(array['info', 'low', 'medium', 'high', 'critical'], w.min_severity) <= :severityRank)
            on conflict (webhook_id, event_id) do nothing
            """;

    private WebhookFanout() {
    }

    /** 1 for info up to 5 for critical, as {@link #INSERT} ranks a subscription's {@code min_severity}. */
    public static int rank(Severity severity) {
        return switch (severity) {
            case INFO -> 1;
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    /** The short name subscriptions use for a CloudEvent type, e.g. {@code scan.completed}. */
    public static String shortType(String cloudEventType) {
        return cloudEventType.startsWith(CLOUDEVENTS_PREFIX) ? cloudEventType.substring(CLOUDEVENTS_PREFIX.length()) : cloudEventType;
    }
}
