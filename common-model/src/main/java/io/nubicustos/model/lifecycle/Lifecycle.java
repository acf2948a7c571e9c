package io.nubicustos.model.lifecycle;

/**
 * A status with a transition table: {@link io.nubicustos.model.scan.StepStatus}, {@link io.nubicustos.model.scan.ScanStatus}
 * and {@link io.nubicustos.model.messaging.DeliveryStatus}. Their SQL is written only through {@link StatusSql}, so the
 * strings the database holds come from these enums and nowhere else.
 */
public interface Lifecycle<S extends Enum<S> & Lifecycle<S>> {

    boolean canMoveTo(S next);

    /** No move leaves this status. */
    boolean isTerminal();

    /** The value stored in the table's {@code status} column and shown by the API. */
    default String db() {
        return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT);
    }

    /** This status as an SQL literal, {@code 'running'}. */
    default String sql() {
        return "'" + db() + "'";
    }
}
