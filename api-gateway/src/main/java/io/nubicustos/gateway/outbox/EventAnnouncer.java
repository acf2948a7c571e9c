package io.nubicustos.gateway.outbox;

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
 * Writes an event the API announces (a cancelled scan, a settled or cancelled campaign) where it must go, in the caller's
 * transaction: its outbox row for {@code nubicustos.scan-events}, a delivery for each subscribed webhook, and the relay's
 * wake-up once the transaction commits.
 */
@Component
public class EventAnnouncer {

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final StoredTraces traces;
    private final OutboxWakeup outbox;

    EventAnnouncer(JdbcClient jdbc, ObjectMapper json, StoredTraces traces, OutboxWakeup outbox) {
        this.jdbc = jdbc;
        this.json = json;
        this.traces = traces;
        this.outbox = outbox;
    }

    /**
     * @param key    the record's key (the scan's or the campaign's id: its events stay in order)
     * @param scanId the scan a webhook delivery names (null when there is none)
     */
    public void announce(String key, UUID scanId, Map<String, Object> event, OffsetDateTime now) {
        String payload = json.writeValueAsString(event);
        jdbc.sql(OutboxChannel.INSERT).param("topic", Topics.SCAN_EVENTS).param("key", key).param("payload", payload)
                .param("now", now).param("trace", traces.current()).update();
        jdbc.sql(WebhookFanout.INSERT).param("eventId", event.get("id")).param("eventType", WebhookFanout.shortType((String) event.get("type")))
                .param("scanId", scanId).param("payload", payload).param("now", now).param("severityRank", 0).update();
        outbox.afterCommit();
    }
}
