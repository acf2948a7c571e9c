package io.nubicustos.processor.findings;

import io.nubicustos.model.finding.Finding;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a finding storable whatever the report put in it, and counts what it had to change: NUL
 * characters (PostgreSQL text cannot hold them) are removed, and a timestamp outside the years 1 to
 * 9999 (which no scan ever observed, and some PostgreSQL cannot store) is dropped. The counts end up
 * in the step's note, so a cleaned report is never mistaken for an untouched one.
 */
final class StorableFindings {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private long nulsRemoved;
    private long timestampsDropped;

    Finding clean(Finding f) {
        Instant observed = f.observedAt();
        if (observed != null && (observed.isBefore(EARLIEST) || observed.isAfter(LATEST))) {
            observed = null;
            timestampsDropped++;
        }
        if (!hasNul(f) && observed == f.observedAt()) {
            return f;
        }
        return new Finding(f.tool(), text(f.checkId()), text(f.title()), f.severity(), f.status(), text(f.account()), text(f.region()),
                text(f.service()), text(f.resourceId()), text(f.description()), text(f.remediation()), compliance(f.compliance()),
                observed);
    }

    /** What was changed, for the step's note; empty when nothing was. */
    String summary() {
        List<String> parts = new ArrayList<>();
        if (nulsRemoved > 0) {
            parts.add(nulsRemoved + " value(s) had NUL characters removed (the database cannot store them)");
        }
        if (timestampsDropped > 0) {
            parts.add(timestampsDropped + " timestamp(s) outside the years 1-9999 dropped");
        }
        return String.join("; ", parts);
    }

    private static boolean hasNul(Finding f) {
        for (String value : new String[] {f.checkId(), f.title(), f.account(), f.region(), f.service(), f.resourceId(), f.description(),
                f.remediation()}) {
            if (value != null && value.indexOf('\0') >= 0) {
                return true;
            }
        }
        for (Map.Entry<String, List<String>> e : f.compliance().entrySet()) {
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().stream().anyMatch(v -> v != null && v.indexOf('\0') >= 0)) {
                return true;
            }
        }
        return false;
    }

    String text(String value) {
        if (value == null || value.indexOf('\0') < 0) {
            return value;
        }
        nulsRemoved++;
        return value.replace("\0", "");
    }

    Map<String, List<String>> compliance(Map<String, List<String>> compliance) {
        Map<String, List<String>> cleaned = new LinkedHashMap<>();
        compliance.forEach((framework, ids) -> cleaned.put(text(framework), ids.stream().map(this::text).toList()));
        return cleaned;
    }
}
