package io.nubicustos.gateway.scan;

import io.nubicustos.gateway.scan.ScanQueries.ScanView;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A scan as lists show it: what was asked, where it stands, and its findings by severity. */
record ScanSummary(UUID scanId, String profile, String awsProfile, List<String> severityFilter, String status, String source,
                   OffsetDateTime createdAt, @Nullable OffsetDateTime startedAt, @Nullable OffsetDateTime completedAt,
                   Map<String, Integer> findings, @Nullable UUID scheduleId, @Nullable String createdBy) {

    static ScanSummary of(ScanView scan) {
        return new ScanSummary(scan.id(), scan.profile(), scan.awsProfile(), scan.severityFilter(), scan.status(), scan.source(),
                scan.createdAt(), scan.startedAt(), scan.completedAt(), scan.findings(), scan.scheduleId(), scan.createdBy());
    }
}
