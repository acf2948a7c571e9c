package io.nubicustos.model.finding;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One normalized finding, whatever tool reported it.
 *
 * @param tool         catalog name of the tool
 * @param checkId      the tool's own check or rule id
 * @param title        short human title
 * @param severity     normalized severity
 * @param status       fail, manual (needs review) or suppressed (muted)
 * @param account      cloud account (or cluster) the resource belongs to; may be null
 * @param region       region, or {@code global}; may be null
 * @param service      cloud service, e.g. {@code iam}; may be null
 * @param resourceId   resource ARN or native id; may be null for account-level checks
 * @param description  what was found on this resource
 * @param remediation  how to fix it; may be null
 * @param compliance   framework to requirement ids
 * @param observedAt   when the tool observed it, if the report says; may be null
 */
public record Finding(
        String tool,
        String checkId,
        String title,
        Severity severity,
        FindingStatus status,
        String account,
        String region,
        String service,
        String resourceId,
        String description,
        String remediation,
        Map<String, List<String>> compliance,
        Instant observedAt) {

    public Finding {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(status, "status");
        compliance = compliance == null ? Map.of() : compliance;
    }

    /** Identity across scans: see {@link Fingerprint}. */
    public String fingerprint() {
        return Fingerprint.of(tool, account, region, resourceId, checkId);
    }
}
