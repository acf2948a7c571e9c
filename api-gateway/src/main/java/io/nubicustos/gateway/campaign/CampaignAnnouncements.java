package io.nubicustos.gateway.campaign;

import io.nubicustos.gateway.outbox.OutboxWakeup;
import io.nubicustos.model.campaign.CampaignSettling;
import io.nubicustos.model.messaging.OutboxChannel;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.model.messaging.WebhookFanout;
import io.nubicustos.support.tracing.StoredTraces;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Announces a cancelled campaign ({@code io.nubicustos.campaign.cancelled}), in the cancelling transaction, as the
 * processor announces a settled one: a consumer waiting for a campaign's end gets one event however it ends.
 */
@Component
class CampaignAnnouncements {

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final StoredTraces traces;
    private final OutboxWakeup outbox;

    CampaignAnnouncements(JdbcClient jdbc, ObjectMapper json, StoredTraces traces, OutboxWakeup outbox) {
        this.jdbc = jdbc;
        this.json = json;
        this.traces = traces;
        this.outbox = outbox;
    }

    /** @param anyChild a child scan the webhook deliveries name (null when the campaign had none left) */
    void cancelled(UUID campaignId, UUID anyChild, OffsetDateTime now) {
        Map<String, Object> row = jdbc.sql(CampaignSettling.COUNTS).param("id", campaignId).query().singleRow();
        Map<String, Object> event = CampaignSettling.event(campaignId, row, "/nubicustos/api-gateway", now);
        String payload = json.writeValueAsString(event);
        jdbc.sql(OutboxChannel.INSERT).param("topic", Topics.SCAN_EVENTS).param("key", campaignId.toString()).param("payload", payload)
                .param("now", now).param("trace", traces.current()).update();
        jdbc.sql(WebhookFanout.INSERT).param("eventId", event.get("id")).param("eventType", WebhookFanout.shortType((String) event.get("type")))
                .param("scanId", anyChild).param("payload", payload).param("now", now).param("severityRank", 0).update();
        outbox.afterCommit();
    }
}
