package io.nubicustos.gateway.scan;

import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.finding.Severity;

import java.util.Set;

/** A validated request for a scan, from REST or from the scan-requests topic. */
public record ScanRequest(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, boolean dryRun) {
}
