package io.nubicustos.model.messaging;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The CloudEvents (structured JSON mode) published on {@link Topics#SCAN_EVENTS} when a scan settles:
 * type {@code io.nubicustos.scan.<status>}, subject the scan id, data the scan's status and counts.
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
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("scan_id", scanId);
        payload.put("status", status);
        payload.putAll(data);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", source);
        event.put("type", TYPE_PREFIX + status);
        event.put("subject", scanId.toString());
        event.put("time", time.toString());
        event.put("datacontenttype", "application/json");
        event.put("data", payload);
        return event;
    }
}
