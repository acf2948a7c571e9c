package io.nubicustos.gateway.schedule;

import io.nubicustos.model.catalog.ResourceLimits;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A schedule as the API answers it: the scan it runs (the fields of a scan request), when (a cron in a
 * time zone, or an interval), what happens when the previous scan still runs, and what its last due time did.
 *
 * @param overlap     {@code skip}: a due time is skipped while a scan of this schedule is queued or running;
 *                    {@code queue}: a scan is created all the same
 * @param lastOutcome what the last due time did: {@code created scan …}, {@code skipped: …} or {@code failed: …}
 */
record Schedule(UUID scheduleId, @Nullable String name, String profile, @Nullable String awsProfile,
                @io.swagger.v3.oas.annotations.media.Schema(description = "a schedule of campaigns: the accounts each run scans") @Nullable Object accounts,
                List<String> severityFilter,
                @Nullable ResourceLimits limits, @Nullable Integer maxParallel, @Nullable String cron, String timeZone,
                @Nullable String interval, String overlap, boolean enabled, @Nullable OffsetDateTime nextRunAt,
                @Nullable OffsetDateTime lastRunAt, @Nullable UUID lastScanId, @Nullable String lastOutcome,
                @Nullable String createdBy, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    @Schema(name = "SchedulePage")
    record Page(List<Schedule> schedules) {
    }
}
