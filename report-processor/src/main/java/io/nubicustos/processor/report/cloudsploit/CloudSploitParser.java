package io.nubicustos.processor.report.cloudsploit;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudSploit's {@code --json} output: one array, one object per plugin result, streamed.
 * <ul>
 *   <li>FAIL is a finding of high severity, WARN of medium (CloudSploit has no severity; DefectDojo's
 *       FAIL-is-critical overstates a configuration check).</li>
 *   <li>OK is a pass. UNKNOWN means the plugin could not evaluate (API or permission error): not a
 *       finding, but a coverage gap, counted in the step's note.</li>
 *   <li>The account comes from the resource ARN when there is one (CloudSploit writes no account).</li>
 * </ul>
 */
public final class CloudSploitParser implements ReportParser {

    public static final String FORMAT = "cloudsploit-json";
    private static final String TOOL = "cloudsploit";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.required(reportDir, ".json", "CloudSploit results");
        Map<String, Long> statuses = new LinkedHashMap<>();
        for (Path file : files) {
            parseFile(file, sink, statuses);
        }
        long unknown = statuses.getOrDefault("UNKNOWN", 0L);
        return "read CloudSploit results " + statuses + " from " + files.size() + " file(s)"
                + (unknown > 0 ? "; coverage gap: " + unknown + " check(s) could not be evaluated (UNKNOWN)" : "");
    }

    private void parseFile(Path file, FindingSink sink, Map<String, Long> statuses) throws ReportException {
        JsonReports.forEachObject(file, "CloudSploit results", (result, at) -> {
            String status = JsonReports.text(result, "status");
            String plugin = JsonReports.text(result, "plugin");
            if (status == null || plugin == null) {
                throw new ReportException(file, JsonReports.position(at), "result without 'plugin' or 'status'");
            }
            statuses.merge(status.toUpperCase(), 1L, Long::sum);
            Severity severity = switch (status.toUpperCase()) {
                case "FAIL" -> Severity.HIGH;
                case "WARN" -> Severity.MEDIUM;
                case "OK", "UNKNOWN" -> null;
                default -> throw new ReportException(file, JsonReports.position(at), "unknown status '" + status + "'");
            };
            String named = JsonReports.text(result, "resource");
            String resource = "N/A".equalsIgnoreCase(named) ? null : named;
            if (severity == null) {
                if ("OK".equalsIgnoreCase(status)) {
                    sink.passed(plugin, resource, region(result.get("region")));
                }
                return;
            }
            sink.accept(new Finding(TOOL, plugin, JsonReports.text(result, "title"), severity, FindingStatus.FAIL,
                    accountOf(resource), region(result.get("region")), JsonReports.text(result, "category"), resource,
                    JsonReports.text(result, "message"), null, compliance(JsonReports.text(result, "compliance")), null));
        });
    }

    /** {@code "us-east-1"}, {@code "global"}, or an array such as {@code ["global"]}. */
    static String region(JsonNode region) {
        if (region == null || region.isNull()) {
            return null;
        }
        if (region.isArray()) {
            List<String> parts = new ArrayList<>();
            region.forEach(r -> parts.add(r.asString()));
            return String.join(",", parts).toLowerCase();
        }
        return region.asString().toLowerCase();
    }

    /** The account id of an ARN ({@code arn:partition:service:region:account:resource}), if any. */
    static String accountOf(String resource) {
        if (resource == null || !resource.startsWith("arn:")) {
            return null;
        }
        String[] parts = resource.split(":", 6);
        return parts.length > 4 && !parts[4].isBlank() ? parts[4] : null;
    }

    /** {@code "HIPAA: text; PCI: text"} into framework to requirement. */
    static Map<String, List<String>> compliance(String text) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (text == null) {
            return result;
        }
        for (String entry : text.split(";")) {
            int colon = entry.indexOf(':');
            if (colon > 0) {
                result.computeIfAbsent(entry.substring(0, colon).strip(), k -> new ArrayList<>()).add(entry.substring(colon + 1).strip());
            }
        }
        return result;
    }
}
