package io.nubicustos.gateway.scan;

import io.nubicustos.model.campaign.CampaignSettling;

import io.nubicustos.gateway.outbox.EventAnnouncer;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.scan.ClaimLock;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.ScanTransitions;
import io.nubicustos.model.scan.StepTransitions;
import io.nubicustos.model.messaging.ScanEvents;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Cancels a scan in one transaction: the scan and its queued and running steps become
 * {@code cancelled}; steps already reporting are processed and their findings kept. Workers notice
 * within seconds and kill the containers of cancelled steps. The guards (only a queued or running
 * scan or step moves) make a cancelled scan terminal: settling can never flip it back.
 */
@Service
public class ScanCanceller {

    private static final String LOCK = "select status from scans where id = :id for update";

    private final JdbcClient jdbc;
    private final Clock clock;
    private final EventAnnouncer events;

    ScanCanceller(JdbcClient jdbc, Clock clock, EventAnnouncer events) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.events = events;
    }

    /** Cancels the scan; answers false if it was already cancelled. A completed or failed scan cannot be cancelled. */
    @Transactional
    public boolean cancel(UUID scanId) {
        // why: before any row: a claim moving this scan's steps (and the scan) to running holds it (ClaimLock)
        jdbc.sql(ClaimLock.SQL).query().listOfRows();
        Optional<String> status = jdbc.sql(LOCK).param("id", scanId).query(String.class).optional();
        if (status.isEmpty()) {
            throw ApiException.notFound("scan_not_found", "no scan with id " + scanId);
        }
        ScanStatus current = ScanStatus.fromDb(status.get());
        if (current == ScanStatus.CANCELLED) {
            return false;
        }
        if (!current.canMoveTo(ScanStatus.CANCELLED)) {
            throw new ApiException(HttpStatus.CONFLICT, "scan_finished", null, "scan " + scanId + " already " + status.get()
                    + "; only a queued or running scan can be cancelled");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql(ScanTransitions.CANCEL.sql()).param("id", scanId).param("now", now).update();
        jdbc.sql(StepTransitions.CANCEL.sql()).param("id", scanId).param("now", now).update();
        events.announce(scanId.toString(), scanId, ScanEvents.settled(scanId, ScanStatus.CANCELLED.db(), "/nubicustos/api-gateway", now,
                Map.of()), now);
        settleCampaign(scanId, now);
        return true;
    }

    /** A campaign whose last unsettled child this was settles now ({@link CampaignSettling}), as when the processor settles one. */
    private void settleCampaign(UUID scanId, OffsetDateTime now) {
        Optional<UUID> campaign = jdbc.sql(CampaignSettling.LOCK).param("scanId", scanId).query(UUID.class).optional();
        if (campaign.isEmpty()) {
            return;
        }
        jdbc.sql(CampaignSettling.SETTLE).param("id", campaign.get()).param("now", now).query().listOfRows().stream().findFirst()
                .ifPresent(row -> events.announce(campaign.get().toString(), scanId,
                        CampaignSettling.event(campaign.get(), row, "/nubicustos/api-gateway", now), now));
    }
}
