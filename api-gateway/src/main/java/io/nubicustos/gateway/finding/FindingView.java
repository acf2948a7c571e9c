package io.nubicustos.gateway.finding;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.nubicustos.gateway.finding.FindingQueries.RawJson;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One normalized finding as the API shows it, with the triage rule that covers it, if any. {@code first_seen} and {@code last_seen} (across every scan
 * that reported the same fingerprint) are in a scan's findings, not in a diff.
 */
@Schema(name = "Finding")
record FindingView(String tool, String checkId, @Nullable String title, String severity, String status, @Nullable String account,
                   @Nullable String region, @Nullable String service, @Nullable String resourceId, @Nullable String description,
                   @Nullable String remediation,
                   @Schema(types = {"object", "null"}, description = "framework → requirement ids, as the tool reported them") @Nullable RawJson compliance,
                   @Nullable OffsetDateTime observedAt, String fingerprint, int occurrences, @Nullable Triage triage,
                   @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime firstSeen,
                   @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime lastSeen,
                   @Schema(description = "the tools that fail a common control this finding's check is mapped to, on the same resource "
                           + "(its own tool included); only its own tool when no other agrees or its check is not mapped")
                   @JsonInclude(JsonInclude.Include.NON_NULL) List<String> confirmedBy) {

    FindingView withConfirmedBy(List<String> tools) {
        return new FindingView(tool, checkId, title, severity, status, account, region, service, resourceId, description, remediation,
                compliance, observedAt, fingerprint, occurrences, triage, firstSeen, lastSeen, tools);
    }

    /** The active triage rule that covers the finding: it is shown, and not counted in the scan's status. */
    @Schema(name = "FindingTriage")
    record Triage(UUID ruleId, String state, String reason, @Nullable String by, @Nullable OffsetDateTime expiresAt) {

        static Triage of(ResultSet rs) throws SQLException {
            UUID rule = rs.getObject("triage_id", UUID.class);
            return rule == null ? null : new Triage(rule, rs.getString("triage_state"), rs.getString("triage_reason"),
                    rs.getString("triage_by"), rs.getObject("triage_expires_at", OffsetDateTime.class));
        }
    }
}
