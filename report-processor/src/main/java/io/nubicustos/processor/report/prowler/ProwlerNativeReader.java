package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;

/**
 * Prowler 3's native {@code -M json} (PascalCase keys; not produced by 4.x, read for older reports).
 * Status PASS is dropped, FAIL is a finding, INFO needs review.
 */
final class ProwlerNativeReader {

    private ProwlerNativeReader() {
    }

    static long read(Path file, FindingSink sink) throws ReportException {
        long[] count = new long[1];
        JsonReports.forEachObject(file, "Prowler 3 results", (result, at) -> {
            String status = JsonReports.text(result, "Status");
            String check = JsonReports.text(result, "CheckID");
            if (status == null || check == null) {
                throw new ReportException(file, JsonReports.position(at), "result without Status or CheckID (not Prowler 3 JSON)");
            }
            FindingStatus findingStatus = switch (status.toUpperCase()) {
                case "PASS" -> null;
                case "FAIL" -> FindingStatus.FAIL;
                case "INFO", "MANUAL" -> FindingStatus.MANUAL;
                default -> throw new ReportException(file, JsonReports.position(at), "unknown Status '" + status + "'");
            };
            if (findingStatus == null) {
                sink.passed(check, JsonReports.text(result, "ResourceArn") != null ? JsonReports.text(result, "ResourceArn")
                        : JsonReports.text(result, "ResourceId"), JsonReports.text(result, "Region"), compliance(result.path("Compliance")));
                return;
            }
            String resource = JsonReports.text(result, "ResourceArn") != null ? JsonReports.text(result, "ResourceArn")
                    : JsonReports.text(result, "ResourceId");
            JsonNode recommendation = result.path("Remediation").path("Recommendation");
            count[0]++;
            sink.accept(new Finding("prowler", check, JsonReports.text(result, "CheckTitle"),
                    Severity.parse(JsonReports.text(result, "Severity")).orElse(Severity.INFO), findingStatus,
                    JsonReports.text(result, "AccountId"), JsonReports.text(result, "Region"), JsonReports.text(result, "ServiceName"),
                    resource, JsonReports.text(result, "StatusExtended"),
                    ProwlerText.join(JsonReports.text(recommendation, "Text"), JsonReports.text(recommendation, "Url")),
                    compliance(result.path("Compliance")), time(JsonReports.text(result, "AssessmentStartTime"))));
        });
        return count[0];
    }

    private static Map<String, List<String>> compliance(JsonNode node) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> framework : node.properties()) {
                List<String> ids = new ArrayList<>();
                framework.getValue().forEach(id -> ids.add(id.asString()));
                result.put(framework.getKey(), ids);
            }
        }
        return result;
    }

    private static Instant time(String value) {
        try {
            return value == null ? null : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
