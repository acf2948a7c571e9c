package io.nubicustos.gateway.finding;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

/** The bodies the finding routes answer; each record is one schema of the OpenAPI document. */
final class FindingResponses {

    private FindingResponses() {
    }

    record FindingPage(UUID scanId, long total, int page, int size, List<FindingView> findings) {
    }

    /** One scan that reported a fingerprint. */
    record Sighting(UUID scanId, OffsetDateTime scanCreatedAt, String profile, String awsProfile, String scanStatus, String status,
                    String severity, String tool, String checkId, @Nullable String resourceId, @Nullable OffsetDateTime observedAt) {
    }

    record FindingHistory(String fingerprint, @Nullable OffsetDateTime firstSeen, @Nullable OffsetDateTime lastSeen, int scans,
                          List<Sighting> history) {
    }

    /**
     * New and fixed findings against a baseline scan. Without a baseline only {@code message} says why; with one
     * whose tools differ, the counts cover the tools both ran.
     */
    record ScanDiff(UUID scanId, @Nullable UUID against,
                    @JsonInclude(NON_NULL) String message,
                    @JsonInclude(NON_NULL) List<String> comparedTools,
                    @JsonInclude(NON_NULL) List<String> skippedTools,
                    @JsonProperty("new") @JsonInclude(NON_NULL) Long newCount,
                    @JsonInclude(NON_NULL) Long fixed,
                    @JsonInclude(NON_NULL) Long unchanged,
                    @JsonInclude(NON_NULL) List<FindingView> newFindings,
                    @JsonInclude(NON_NULL) List<FindingView> fixedFindings) {

        static ScanDiff withoutBaseline(UUID scanId, String message) {
            return new ScanDiff(scanId, null, message, null, null, null, null, null, null, null);
        }
    }
}
