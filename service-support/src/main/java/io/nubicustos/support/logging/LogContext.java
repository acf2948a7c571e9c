package io.nubicustos.support.logging;

import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MDC keys every log line about a scan, a step, a worker or a request carries, so a log pipeline can select by them
 * instead of parsing sentences: {@value #SCAN_ID}, {@value #STEP_ID}, {@value #TOOL}, {@value #WORKER},
 * {@value #REQUEST_ID}. Opened around the work and closed after it; closing puts back what the thread had before, so
 * nested contexts (a step inside a sweep) restore their outer keys.
 */
public final class LogContext implements AutoCloseable {

    public static final String SCAN_ID = "scan_id";
    public static final String STEP_ID = "step_id";
    public static final String TOOL = "tool";
    public static final String WORKER = "worker";
    public static final String REQUEST_ID = "request_id";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private LogContext(Map<String, ?> values) {
        values.forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value.toString());
            }
        });
    }

    /** The keys given (a null value removes its key for the duration). */
    public static LogContext of(Map<String, ?> values) {
        return new LogContext(values);
    }

    public static LogContext scan(Object scanId) {
        return new LogContext(Map.of(SCAN_ID, scanId));
    }

    public static LogContext step(Object scanId, Object stepId, String tool) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(SCAN_ID, scanId);
        values.put(STEP_ID, stepId);
        values.put(TOOL, tool);
        return new LogContext(values);
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
