package io.nubicustos.gateway.schedule;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.scan.ScanScope;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /api/schedules} and {@code PATCH /api/schedules/{id}} as the contract shows it
 * ({@link ScheduleBody} reads it). A POST needs {@code profile} and one of {@code cron} and {@code interval};
 * a PATCH changes only the fields it names.
 */
@Schema(name = "ScheduleRequest")
record ScheduleRequest(
        @Nullable String name,
        @Schema(description = "a profile of /api/scans/profiles/list", example = "quick") @Nullable String profile,
        @Nullable String awsProfile,
        @Schema(description = "a campaign instead of one scan: \"all\", a list of account ids, or {\"tags\": {...}} (aws_profile is then"
                + " each account's)", example = "all") @Nullable Object accounts,
        @Schema(description = "severities to keep, comma-separated", example = "critical,high") @Nullable String severityFilter,
        @Nullable ResourceLimits limits,
        @Nullable Integer maxParallel,
        @Schema(description = "what the scans look at, as a scan's scope") @Nullable ScanScope scope,
        @Schema(description = "five fields (minute hour day-of-month month day-of-week) or a macro such as @daily", example = "0 3 * * *")
        @Nullable String cron,
        @Schema(description = "the cron's time zone", example = "Europe/Paris", defaultValue = "UTC") @Nullable String timeZone,
        @Schema(description = "a fixed interval instead of a cron, at least a minute", example = "6h") @Nullable String interval,
        @Schema(description = "skip a due time while this schedule's previous scan is queued or running, or queue another",
                allowableValues = {"skip", "queue"}, defaultValue = "skip") @Nullable String overlap,
        @Schema(defaultValue = "true") @Nullable Boolean enabled) {
}
