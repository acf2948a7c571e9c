package io.nubicustos.model.messaging;

import io.nubicustos.model.lifecycle.Transition;

import java.util.EnumSet;
import java.util.List;

import static io.nubicustos.model.messaging.DeliveryStatus.DELIVERED;
import static io.nubicustos.model.messaging.DeliveryStatus.FAILED;
import static io.nubicustos.model.messaging.DeliveryStatus.PENDING;

/** The one door of {@code webhook_deliveries.status}; the api-gateway's sender and subscriptions execute these. */
public final class DeliveryTransitions {

    /**
     * The answer to one attempt: delivered on 2xx, failed when no attempt is left or the answer was final, else still
     * pending with its next attempt at {@code retryAt}. Parameters: {@code id}, {@code attempt}, {@code delivered},
     * {@code maxAttempts}, {@code final}, {@code now}, {@code retryAt}, {@code error}.
     */
    public static final Transition ATTEMPTED = Transition.of("attempted", "webhook_deliveries", EnumSet.of(PENDING),
            EnumSet.of(DELIVERED, FAILED, PENDING), """
            update webhook_deliveries set attempts = :attempt,
                   status = case when :delivered then {delivery:delivered} when :attempt >= :maxAttempts or :final then {delivery:failed}
                                 else {delivery:pending} end,
                   delivered_at = case when :delivered then cast(:now as timestamptz) end,
                   next_attempt_at = :retryAt, last_error = :error
             where id = :id and status = {delivery:pending}
            """);

    /** The subscription was disabled or deleted: what it still owed fails with the reason. Parameters: {@code id} (webhook), {@code reason}. */
    public static final Transition ABANDONED = Transition.of("abandoned", "webhook_deliveries", EnumSet.of(PENDING), EnumSet.of(FAILED), """
            update webhook_deliveries set status = {delivery:failed}, last_error = :reason where webhook_id = :id and status = {delivery:pending}
            """);

    public static final List<Transition> ALL = List.of(ATTEMPTED, ABANDONED);

    private DeliveryTransitions() {
    }
}
