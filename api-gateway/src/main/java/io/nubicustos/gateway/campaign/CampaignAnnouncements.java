package io.nubicustos.gateway.campaign;

import io.nubicustos.gateway.outbox.EventAnnouncer;
import io.nubicustos.model.campaign.CampaignSettling;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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
    private final EventAnnouncer events;

    CampaignAnnouncements(JdbcClient jdbc, EventAnnouncer events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** @param anyChild a child scan the webhook deliveries name (null when the campaign had none left) */
    void cancelled(UUID campaignId, UUID anyChild, OffsetDateTime now) {
        Map<String, Object> row = jdbc.sql(CampaignSettling.COUNTS).param("id", campaignId).query().singleRow();
        events.announce(campaignId.toString(), anyChild, CampaignSettling.event(campaignId, row, "/nubicustos/api-gateway", now), now);
    }
}
