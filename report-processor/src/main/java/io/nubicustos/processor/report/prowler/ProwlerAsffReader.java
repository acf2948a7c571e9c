package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prowler's {@code json-asff} (AWS Security Finding Format), streamed. {@code Compliance.Status}
 * decides: PASSED is dropped, FAILED is a finding, WARNING (muted) is suppressed, NOT_AVAILABLE
 * (MANUAL) and Prowler 3's INFOED need review. The description is the per-resource sentence.
 */
final class ProwlerAsffReader {

    private ProwlerAsffReader() {
    }

    static long read(Path file, FindingSink sink) throws ReportException {
        long[] count = new long[1];
        JsonReports.forEachObject(file, "ASFF findings", (finding, at) -> {
            String compliance = JsonReports.text(finding.path("Compliance"), "Status");
            if (compliance == null) {
                throw new ReportException(file, JsonReports.position(at), "ASFF finding without Compliance.Status");
            }
            FindingStatus status = switch (compliance.toUpperCase()) {
                case "PASSED" -> null;
                case "FAILED" -> FindingStatus.FAIL;
                case "WARNING" -> FindingStatus.SUPPRESSED;
                case "NOT_AVAILABLE", "INFOED" -> FindingStatus.MANUAL;
                default -> throw new ReportException(file, JsonReports.position(at), "unknown Compliance.Status '" + compliance + "'");
            };
            String generator = JsonReports.text(finding, "GeneratorId");
            String check = generator != null && generator.startsWith("prowler-") ? generator.substring("prowler-".length()) : generator;
            if (status == null) {
                JsonNode passed = finding.path("Resources").path(0);
                sink.passed(check, JsonReports.text(passed, "Id"), JsonReports.text(passed, "Region"),
                        requirements(finding.path("Compliance").path("RelatedRequirements")));
                return;
            }
            if (check == null) {
                throw new ReportException(file, JsonReports.position(at), "ASFF finding without GeneratorId");
            }
            JsonNode resource = finding.path("Resources").path(0);
            JsonNode recommendation = finding.path("Remediation").path("Recommendation");
            String service = JsonReports.text(finding.path("ProductFields"), "ServiceName");
            count[0]++;
            sink.accept(new Finding("prowler", check, JsonReports.text(finding, "Title"),
                    Severity.parse(JsonReports.text(finding.path("Severity"), "Label")).orElse(Severity.INFO), status,
                    JsonReports.text(finding, "AwsAccountId"), JsonReports.text(resource, "Region"),
                    service != null ? service : check.contains("_") ? check.substring(0, check.indexOf('_')) : null,
                    JsonReports.text(resource, "Id"), JsonReports.text(finding, "Description"),
                    ProwlerText.join(JsonReports.text(recommendation, "Text"), JsonReports.text(recommendation, "Url")),
                    requirements(finding.path("Compliance").path("RelatedRequirements")), time(JsonReports.text(finding, "FirstObservedAt"))));
        });
        return count[0];
    }

    /** {@code "CIS-1.4 1.20 1.21"}: the framework, then its requirement ids. */
    private static Map<String, List<String>> requirements(JsonNode node) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (JsonNode entry : node) {
            String[] words = entry.asString().strip().split("\\s+");
            if (words.length > 0 && !words[0].isEmpty()) {
                List<String> ids = result.computeIfAbsent(words[0], k -> new ArrayList<>());
                for (int i = 1; i < words.length; i++) {
                    ids.add(words[i]);
                }
            }
        }
        return result;
    }

    private static Instant time(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
