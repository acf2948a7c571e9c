package io.nubicustos.gateway.webhook;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A webhook subscription as the API shows it: never its secret, which is shown once, when it is created. */
record Webhook(UUID webhookId, String url, List<String> eventTypes, String minSeverity, String format, boolean enabled,
               @Nullable String description, @Nullable String createdBy, OffsetDateTime createdAt,
               @Schema(description = "the signing secret: only in the answer that created the subscription") @Nullable String secret) {

    Webhook withoutSecret() {
        return new Webhook(webhookId, url, eventTypes, minSeverity, format, enabled, description, createdBy, createdAt, null);
    }

    record Page(List<Webhook> webhooks) {
    }

    /** One event sent (or being sent) to a subscription, with every attempt and the receiver's answers. */
    record Delivery(long deliveryId, String eventId, String eventType, @Nullable UUID scanId, String status, int attempts,
                    OffsetDateTime createdAt, @Nullable OffsetDateTime nextAttemptAt, @Nullable OffsetDateTime deliveredAt,
                    @Nullable String lastError, List<Attempt> log) {
    }

    record Attempt(int attempt, OffsetDateTime at, @Nullable Integer statusCode, @Nullable String error, long durationMs) {
    }

    record Deliveries(List<Delivery> deliveries, int page, int size, long total) {
    }
}
