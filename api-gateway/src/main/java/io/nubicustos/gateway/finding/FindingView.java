package io.nubicustos.gateway.finding;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nubicustos.gateway.finding.FindingQueries.RawJson;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;

/**
 * One normalized finding as the API shows it. {@code first_seen} and {@code last_seen} (across every scan
 * that reported the same fingerprint) are in a scan's findings, not in a diff.
 */
@Schema(name = "Finding")
record FindingView(String tool, String checkId, @Nullable String title, String severity, String status, @Nullable String account,
                   @Nullable String region, @Nullable String service, @Nullable String resourceId, @Nullable String description,
                   @Nullable String remediation,
                   @Schema(types = {"object", "null"}, description = "framework → requirement ids, as the tool reported them") @Nullable RawJson compliance,
                   @Nullable OffsetDateTime observedAt, String fingerprint, int occurrences,
                   @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime firstSeen,
                   @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime lastSeen) {
}
