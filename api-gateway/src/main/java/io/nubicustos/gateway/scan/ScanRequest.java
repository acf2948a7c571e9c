package io.nubicustos.gateway.scan;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.scan.ScanScope;

import java.util.Set;

/**
 * A validated request for a scan, from REST or from the scan-requests topic.
 *
 * @param limits       limits for every tool of the scan, overriding the catalog's and the profile's
 * @param maxParallel  steps of this scan running at once; null: the profile's cap, if any
 * @param scope        regions, services, checks, frameworks the scan is narrowed to (each tool takes what it can)
 */
public record ScanRequest(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, boolean dryRun,
                          ResourceLimits limits, Integer maxParallel, ScanScope scope) {

    public ScanRequest {
        scope = scope == null ? ScanScope.NONE : scope;
    }

    public ScanRequest(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, boolean dryRun) {
        this(profile, awsProfile, severityFilter, dryRun, ResourceLimits.NONE, null, ScanScope.NONE);
    }

    /** The same request for another AWS profile (one account of a campaign), narrowed to {@code scope}. */
    public ScanRequest forAwsProfile(String name, ScanScope narrowed) {
        return new ScanRequest(profile, name, severityFilter, false, limits, maxParallel, narrowed);
    }

    /** The request's cap, else the profile's. */
    public Integer effectiveMaxParallel() {
        return maxParallel != null ? maxParallel : profile.maxParallel();
    }
}
