package io.nubicustos.model.messaging;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The CloudEvents (structured JSON mode) published on {@link Topics#SCAN_EVENTS} when a scan settles:
 * type {@code io.nubicustos.scan.<status>}, subject the scan id, data the scan's status and counts; and
 * {@code io.nubicustos.scan.degraded} when a settled scan saw far less than the one before it. The same events go to
 * webhook subscribers (see {@link WebhookFanout}).
 */
public final class ScanEvents {

    public static final String TYPE_PREFIX = "io.nubicustos.scan.";

    private ScanEvents() {
    }

    /**
     * @param source  the service that settled the scan, e.g. {@code /nubicustos/report-processor}
     * @param data    the event's data; {@code scan_id} and {@code status} are added
     */
    public static Map<String, Object> settled(UUID scanId, String status, String source, OffsetDateTime time, Map<String, Object> data) {
        return of(TYPE_PREFIX + status, scanId, source, time, withScan(scanId, status, data));
    }

    /**
     * A scan that settled but saw far less than its baseline: type {@code io.nubicustos.scan.degraded}, data the scan's
     * status, its baseline and the reasons per tool.
     */
    public static Map<String, Object> degraded(UUID scanId, String status, String source, OffsetDateTime time, Map<String, Object> data) {
        return of(TYPE_PREFIX + "degraded", scanId, source, time, withScan(scanId, status, data));
    }

    private static Map<String, Object> withScan(UUID scanId, String status, Map<String, Object> data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("scan_id", scanId);
        payload.put("status", status);
        payload.putAll(data);
        return payload;
    }

    /** Any event about a scan; {@code data} is the event's data as it is. */
    public static Map<String, Object> of(String type, UUID scanId, String source, OffsetDateTime time, Map<String, Object> data) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", source);
        event.put("type", type);
        event.put("subject", scanId.toString());
        event.put("time", time.toString());
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        return event;
    }
}
