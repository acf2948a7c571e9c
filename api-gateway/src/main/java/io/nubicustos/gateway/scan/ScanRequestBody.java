package io.nubicustos.gateway.scan;

import org.jspecify.annotations.Nullable;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.scan.ScanScope;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The request body of {@code POST /api/scans} as the contract shows it. The body is read by
 * {@link ScanRequestParser} (it is shared with the Kafka intake and stored schedules, and names the field at fault in
 * every refusal), which takes the fields it accepts from this record's components, so the document and the parser
 * cannot disagree on them.
 */
@Schema(name = "ScanRequest", description = "A scan to run; unknown fields are refused")
record ScanRequestBody(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "a profile of /api/scans/profiles/list", example = "quick")
        String profile,
        @Schema(description = "the AWS credentials profile the tools use", example = "default", defaultValue = "default")
        @Nullable String awsProfile,
        @Schema(description = "severities to keep, comma-separated or as a list; all when absent", example = "critical,high",
                oneOf = {String.class, String[].class})
        @Nullable Object severityFilter,
        @Schema(description = "true: answer the plan (images, commands, mounts, limits) without running anything",
                defaultValue = "false")
        @Nullable Boolean dryRun,
        @Schema(description = "tighter limits for every tool of the scan; never looser than the catalog's and the profile's")
        @Nullable ResourceLimits limits,
        @Schema(description = "how many of the scan's tools may run at once", minimum = "1", maximum = "100")
        @Nullable Integer maxParallel,
        @Schema(description = "what the tools look at: regions, services, checks, frameworks (each a list of names); a tool that"
                + " cannot narrow a part is left out of the scan, and the dry run says why")
        @Nullable ScanScope scope) {
}
