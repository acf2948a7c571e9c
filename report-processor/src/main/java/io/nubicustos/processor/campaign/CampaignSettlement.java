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
        UUID id = campaign.get();
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
