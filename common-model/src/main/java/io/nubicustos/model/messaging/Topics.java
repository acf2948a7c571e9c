package io.nubicustos.model.messaging;

/**
 * Kafka topic names. {@code scan-requests} (in) and {@code scan-events} (out) are for other
 * services; {@code tool-steps} and {@code step-completed} are internal wake-ups: Postgres holds the
 * truth, so losing or repeating one of them only delays work, it never changes the outcome.
 */
public final class Topics {
    /** Other services request scans here (a CloudEvent, or the REST request body as JSON). */
    public static final String SCAN_REQUESTS = "nubicustos.scan-requests";
    /** Records of {@link #SCAN_REQUESTS} that could not become a scan, with the reason in headers. */
    public static final String SCAN_REQUESTS_DLT = "nubicustos.scan-requests.dlt";
    /** One record per tool step to run; key = step id. */
    public static final String TOOL_STEPS = "nubicustos.tool-steps";
    /** Records of {@link #TOOL_STEPS} no worker could read. */
    public static final String TOOL_STEPS_DLT = "nubicustos.tool-steps.dlt";
    /** A worker finished a step's container; key = step id. */
    public static final String STEP_COMPLETED = "nubicustos.step-completed";
    /** Records of {@link #STEP_COMPLETED} no processor could read. */
    public static final String STEP_COMPLETED_DLT = "nubicustos.step-completed.dlt";
    /** Scan lifecycle events (CloudEvents) for other services; key = scan id. */
    public static final String SCAN_EVENTS = "nubicustos.scan-events";

    private Topics() {
    }
}
