package io.nubicustos.gateway.webhook;

import io.nubicustos.model.messaging.DeliveryStatus;
import io.nubicustos.model.messaging.DeliveryTransitions;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The subscriptions and their delivery log. */
@Repository
class Webhooks {

    private static final String COLUMNS = "id, url, event_types, min_severity, format, enabled, description, created_by, created_at";
    private static final String INSERT = """
            insert into webhooks (id, url, event_types, min_severity, format, secret, enabled, description, created_by, created_at)
            values (:id, :url, :eventTypes, :minSeverity, :format, :secret, :enabled, :description, :createdBy, :now)
            """;
    private static final String UPDATE = """
            update webhooks set url = :url, event_types = :eventTypes, min_severity = :minSeverity, format = :format,
                   secret = coalesce(:secret, secret), enabled = :enabled, description = :description
             where id = :id
            """;
    private static final String DELIVERIES = """
            select id, event_id, event_type, scan_id, status, attempts, created_at, next_attempt_at, delivered_at, last_error
              from webhook_deliveries where webhook_id = :id order by id desc limit :limit offset :offset
            """;
    private static final String ATTEMPTS = """
            select delivery_id, attempt, at, status_code, error, duration_ms from webhook_attempts
             where delivery_id = any(:ids) order by delivery_id, attempt
            """;

    private final JdbcClient jdbc;

    Webhooks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Definition(String url, List<String> eventTypes, String minSeverity, String format, boolean enabled, String description) {
    }

    void insert(UUID id, Definition webhook, String secret, String createdBy, Instant now) {
        jdbc.sql(INSERT).param("id", id).param("url", webhook.url()).param("eventTypes", webhook.eventTypes().toArray(String[]::new))
                .param("minSeverity", webhook.minSeverity()).param("format", webhook.format()).param("secret", secret)
                .param("enabled", webhook.enabled()).param("description", webhook.description()).param("createdBy", createdBy)
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
    }

    /** @param secret a new secret, or null to keep the current one */
    boolean update(UUID id, Definition webhook, String secret) {
        return jdbc.sql(UPDATE).param("id", id).param("url", webhook.url()).param("eventTypes", webhook.eventTypes().toArray(String[]::new))
                .param("minSeverity", webhook.minSeverity()).param("format", webhook.format()).param("secret", secret)
                .param("enabled", webhook.enabled()).param("description", webhook.description()).update() == 1;
    }

    void failPending(UUID id, String reason) {
        jdbc.sql(DeliveryTransitions.ABANDONED.sql())
                .param("id", id).param("reason", reason).update();
    }

    boolean delete(UUID id) {
        return jdbc.sql("delete from webhooks where id = :id").param("id", id).update() == 1;
    }

    Optional<Webhook> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from webhooks where id = :id").param("id", id).query(Webhooks::webhook).optional();
    }

    List<Webhook> all() {
        return jdbc.sql("select " + COLUMNS + " from webhooks order by created_at, id").query(Webhooks::webhook).list();
    }

    long countDeliveries(UUID id) {
        return jdbc.sql("select count(*) from webhook_deliveries where webhook_id = :id").param("id", id).query(Long.class).single();
    }

    List<Webhook.Delivery> deliveries(UUID id, int limit, long offset) {
        record Row(long id, String eventId, String eventType, UUID scanId, String status, int attempts, OffsetDateTime createdAt,
                   OffsetDateTime nextAttemptAt, OffsetDateTime deliveredAt, String lastError) {
        }
        List<Row> rows = jdbc.sql(DELIVERIES).param("id", id).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Row(rs.getLong("id"), rs.getString("event_id"), rs.getString("event_type"),
                        rs.getObject("scan_id", UUID.class), rs.getString("status"), rs.getInt("attempts"),
                        rs.getObject("created_at", OffsetDateTime.class), rs.getObject("next_attempt_at", OffsetDateTime.class),
                        rs.getObject("delivered_at", OffsetDateTime.class), rs.getString("last_error"))).list();
        Map<Long, List<Webhook.Attempt>> attempts = new LinkedHashMap<>();
        if (!rows.isEmpty()) {
            jdbc.sql(ATTEMPTS).param("ids", rows.stream().map(Row::id).toArray(Long[]::new)).query((rs, n) -> {
                attempts.computeIfAbsent(rs.getLong("delivery_id"), k -> new ArrayList<>()).add(new Webhook.Attempt(rs.getInt("attempt"),
                        rs.getObject("at", OffsetDateTime.class), (Integer) rs.getObject("status_code"), rs.getString("error"),
                        rs.getLong("duration_ms")));
                return null;
            }).list();
        }
        return rows.stream().map(r -> new Webhook.Delivery(r.id(), r.eventId(), r.eventType(), r.scanId(), r.status(), r.attempts(),
                r.createdAt(), DeliveryStatus.fromDb(r.status()) == DeliveryStatus.PENDING ? r.nextAttemptAt() : null, r.deliveredAt(), r.lastError(),
                attempts.getOrDefault(r.id(), List.of()))).toList();
    }

    private static Webhook webhook(ResultSet rs, int row) throws SQLException {
        Array types = rs.getArray("event_types");
        return new Webhook(rs.getObject("id", UUID.class), rs.getString("url"), Arrays.asList((String[]) types.getArray()),
                rs.getString("min_severity"), rs.getString("format"), rs.getBoolean("enabled"), rs.getString("description"),
                rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class), null);
    }
}
