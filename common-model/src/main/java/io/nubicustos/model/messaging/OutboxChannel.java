package io.nubicustos.model.messaging;

/**
 * The PostgreSQL notification channel the api-gateway's outbox relay listens on. A service that writes outbox
 * rows and is not the api-gateway appends {@link #WAKE_RELAY} to the transaction that wrote them, so the rows are
 * published within milliseconds of its commit (the notification is delivered on commit, never for a rollback);
 * the relay's poll is the safety net for a notification that is lost.
 */
public final class OutboxChannel {
    public static final String NAME = "nubicustos_outbox";
    /** One statement, run inside the writing transaction. */
    public static final String WAKE_RELAY = "select pg_notify('" + NAME + "', '')";
    /**
     * The one way a service writes a single outbox row (the scan creator writes its rows in its own statement); {@code :trace}
     * is the writer's W3C traceparent or null, so the relay publishes the row inside the writer's trace.
     */
    public static final String INSERT = "insert into outbox (topic, message_key, payload, created_at, trace_parent)"
            + " values (:topic, :key, :payload, :now, :trace)";

    private OutboxChannel() {
    }
}
