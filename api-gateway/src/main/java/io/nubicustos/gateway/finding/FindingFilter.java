package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;

import java.util.Arrays;

/** Validated filters of the findings endpoints; null means "any". */
record FindingFilter(String severity, String tool, String status, String account, String region, String check, String resource,
                     String triaged) {

    static FindingFilter of(String severity, String tool, String status, String account, String region, String check,
                            String resource) {
        String severityValue = severity == null ? null : Severity.parse(severity).map(Severity::db).orElseThrow(() ->
                ApiException.badRequest("severity", "unknown severity '" + severity + "'; use critical, high, medium, low or info"));
        if ("triaged".equals(status)) {
            // the failed findings an active triage rule covers: what findings.triaged counts
            return new FindingFilter(severityValue, tool, FindingStatus.FAIL.db(), account, region, check, resource, "only");
        }
        String statusValue = status == null || "all".equals(status) ? null : Arrays.stream(FindingStatus.values()).map(FindingStatus::db)
                .filter(status::equals).findFirst().orElseThrow(() ->
                        ApiException.badRequest("status", "unknown status '" + status + "'; use fail, manual, suppressed, triaged or all"));
        // why: fail lists what the scan's counts count, so triaged failures are under triaged (and all), not here
        String triaged = FindingStatus.FAIL.db().equals(statusValue) ? "exclude" : null;
        return new FindingFilter(severityValue, tool, statusValue, account, region, check, resource, triaged);
    }

    static FindingFilter all() {
        return new FindingFilter(null, null, null, null, null, null, null, null);
    }
}
