package io.nubicustos.processor.announce;

import io.nubicustos.model.messaging.OutboxChannel;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.model.messaging.WebhookFanout;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a scan's event where it must go, in the caller's transaction: the outbox row for {@code scan-events} (unless
 * the event is for webhooks only), a delivery for each webhook subscribed to it, and the notification that wakes the
 * api-gateway's relay when the transaction commits.
 */
@Component
public class ScanAnnouncements {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    private final io.nubicustos.support.tracing.StoredTraces traces;

    ScanAnnouncements(JdbcClient jdbc, ObjectMapper json, io.nubicustos.support.tracing.StoredTraces traces) {
        this.traces = traces;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Publishes the event on Kafka and to its webhook subscribers. */
    public void publish(UUID scanId, Map<String, Object> event, OffsetDateTime now) {
        publish(scanId, event, 0, now);
    }

    /** Publishes a finding event on Kafka and to the subscribers whose {@code min_severity} its most severe finding reaches. */
    public void publish(UUID scanId, Map<String, Object> event, int severityRank, OffsetDateTime now) {
        publish(scanId.toString(), scanId, event, severityRank, now);
    }

    /** Publishes an event keyed {@code key} on Kafka (a campaign's id) and to its subscribers; deliveries name {@code scanId}. */
    public void publishKeyed(String key, UUID scanId, Map<String, Object> event, OffsetDateTime now) {
        publish(key, scanId, event, 0, now);
    }

    private void publish(String key, UUID scanId, Map<String, Object> event, int severityRank, OffsetDateTime now) {
        String payload = json.writeValueAsString(event);
        jdbc.sql(OutboxChannel.INSERT).param("topic", Topics.SCAN_EVENTS).param("key", key).param("payload", payload)
                .param("now", now).param("trace", traces.current()).update();
        toWebhooks(scanId, event, payload, severityRank, now);
        // why: the relay runs in the api-gateway; the notification reaches it when this transaction commits
        jdbc.sql(OutboxChannel.WAKE_RELAY).query().singleRow();
    }

    /** Sends the event to its webhook subscribers only; {@code severityRank} is for {@code findings.new}. */
    public void toWebhooks(UUID scanId, Map<String, Object> event, int severityRank, OffsetDateTime now) {
        toWebhooks(scanId, event, json.writeValueAsString(event), severityRank, now);
    }

    private void toWebhooks(UUID scanId, Map<String, Object> event, String payload, int severityRank, OffsetDateTime now) {
        jdbc.sql(WebhookFanout.INSERT).param("eventId", event.get("id")).param("eventType", WebhookFanout.shortType((String) event.get("type")))
                .param("scanId", scanId).param("payload", payload).param("now", now).param("severityRank", severityRank).update();
    }
}
