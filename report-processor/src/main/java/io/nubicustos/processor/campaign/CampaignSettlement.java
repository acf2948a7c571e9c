package io.nubicustos.processor.campaign;

import io.nubicustos.model.campaign.CampaignSettling;
import io.nubicustos.processor.announce.ScanAnnouncements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Settles a campaign when the scan the processor just settled was its last unsettled child ({@link CampaignSettling}). */
@Component
public class CampaignSettlement {

    private static final Logger log = LoggerFactory.getLogger(CampaignSettlement.class);

    private final JdbcClient jdbc;
    private final ScanAnnouncements announcements;

    CampaignSettlement(JdbcClient jdbc, ScanAnnouncements announcements) {
        this.jdbc = jdbc;
        this.announcements = announcements;
    }

    /** Settles the campaign of {@code scanId} (just settled) if it was the campaign's last unsettled child. */
    public Optional<String> afterChildSettled(UUID scanId, OffsetDateTime now) {
        Optional<UUID> campaign = jdbc.sql(CampaignSettling.LOCK).param("scanId", scanId).query(UUID.class).optional();
        if (campaign.isEmpty()) {
            return Optional.empty();
        }
        return settle(campaign.get(), scanId, now);
    }

    /**
     * The sweep's way: settles a running campaign none of whose children is unsettled (its last unsettled child was deleted,
     * or settled by a version that did not settle campaigns). Runs in the caller's transaction.
     */
    public Optional<String> settleIfDone(UUID campaignId, OffsetDateTime now) {
        if (jdbc.sql(CampaignSettling.LOCK_CAMPAIGN).param("id", campaignId).query(UUID.class).optional().isEmpty()) {
            return Optional.empty();
        }
        // why: a delivery names a scan; the sweep's campaign names one of its children, if any is left
        UUID child = jdbc.sql("select id from scans where campaign_id = :id order by id limit 1").param("id", campaignId).query(UUID.class)
                .optional().orElse(null);
        return settle(campaignId, child, now);
    }

    private Optional<String> settle(UUID id, UUID scanId, OffsetDateTime now) {
        Optional<Map<String, Object>> settled = jdbc.sql(CampaignSettling.SETTLE).param("id", id).param("now", now).query().listOfRows()
                .stream().findFirst();
        if (settled.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> event = CampaignSettling.event(id, settled.get(), "/nubicustos/report-processor", now);
        // why: keyed by the campaign, so its events stay in order on the topic; the delivery names the child that settled it
        announcements.publishKeyed(id.toString(), scanId, event, now);
        log.info("Campaign {} {}: {}", id, settled.get().get("status"), event.get("data"));
        return Optional.of((String) settled.get().get("status"));
    }
}
