package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;

import java.util.Arrays;

/** Validated filters of the findings endpoints; null means "any". */
record FindingFilter(String severity, String tool, String status, String account, String region, String check, String resource) {

    static FindingFilter of(String severity, String tool, String status, String account, String region, String check,
                            String resource) {
        String severityValue = severity == null ? null : Severity.parse(severity).map(Severity::db).orElseThrow(() ->
                ApiException.badRequest("severity", "unknown severity '" + severity + "'; use critical, high, medium, low or info"));
        String statusValue = status == null || "all".equals(status) ? null : Arrays.stream(FindingStatus.values()).map(FindingStatus::db)
                .filter(status::equals).findFirst().orElseThrow(() ->
                        ApiException.badRequest("status", "unknown status '" + status + "'; use fail, manual, suppressed or all"));
        return new FindingFilter(severityValue, tool, statusValue, account, region, check, resource);
    }

    static FindingFilter all() {
        return new FindingFilter(null, null, null, null, null, null, null);
    }
}
