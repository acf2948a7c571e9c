package io.nubicustos.gateway.scan;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.finding.Severity;

import java.util.Set;

/**
 * A validated request for a scan, from REST or from the scan-requests topic.
 *
 * @param limits       limits for every tool of the scan, overriding the catalog's and the profile's
 * @param maxParallel  steps of this scan running at once; null: the profile's cap, if any
 */
public record ScanRequest(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, boolean dryRun,
                          ResourceLimits limits, Integer maxParallel) {

    public ScanRequest(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, boolean dryRun) {
        this(profile, awsProfile, severityFilter, dryRun, ResourceLimits.NONE, null);
    }

    /** The request's cap, else the profile's. */
    public Integer effectiveMaxParallel() {
        return maxParallel != null ? maxParallel : profile.maxParallel();
    }
}
