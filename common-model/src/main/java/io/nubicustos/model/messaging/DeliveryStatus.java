package io.nubicustos.model.messaging;

import io.nubicustos.model.lifecycle.Lifecycle;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The life of one webhook delivery row; every change of {@code webhook_deliveries.status} is a {@link DeliveryTransitions} statement. */
public enum DeliveryStatus implements Lifecycle<DeliveryStatus> {
    /** Waiting for its next attempt (its first, or another after a failed one with attempts left). */
    PENDING,
    /** The receiver answered 2xx. */
    DELIVERED,
    /** No attempt is left, the receiver's answer was final, or its subscription was disabled or deleted. */
    FAILED;

    private static final Map<DeliveryStatus, Set<DeliveryStatus>> ALLOWED = Map.of(
            // why: PENDING -> PENDING is a failed attempt with attempts left: the row stays, its next attempt later
            PENDING, EnumSet.of(PENDING, DELIVERED, FAILED),
            DELIVERED, EnumSet.noneOf(DeliveryStatus.class),
            FAILED, EnumSet.noneOf(DeliveryStatus.class));

    @Override
    public boolean canMoveTo(DeliveryStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    @Override
    public boolean isTerminal() {
        return this != PENDING;
    }

    public static DeliveryStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
