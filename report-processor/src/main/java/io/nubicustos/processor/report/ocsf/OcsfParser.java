package io.nubicustos.processor.report.ocsf;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import static io.nubicustos.processor.report.JsonReports.first;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any tool's OCSF findings (report format {@code ocsf}): the step's {@code *.ocsf.json} files, else its {@code *.json}
 * files, each a JSON array of OCSF 1.x events (not JSON lines), of which the Detection Finding
 * class ({@code class_uid} 2004) and the Security Finding class it replaced (2001) are read; other events are counted
 * and left out. Fields by the OCSF schema (schema.ocsf.io, 1.4.0):
 * <ul>
 *   <li>check: {@code metadata.event_code} (Prowler's check id), else {@code finding_info.analytic.uid}, its
 *       {@code name}, else {@code finding_info.title}: the rule, never {@code finding_info.uid} (one per finding)</li>
 *   <li>status: {@code status_code} PASS / FAIL (Prowler), else {@code compliance.status} Pass / Warning / Fail; any
 *       other word (MANUAL, INFO...) needs review; a finding with neither failed. {@code status} Suppressed or
 *       {@code status_id} 3 is muted; {@code status_id} 4 (Resolved) is left out.</li>
 *   <li>severity: {@code severity_id} 1 informational, 2 low, 3 medium, 4 high, 5 critical, 6 fatal (critical), else
 *       {@code severity}'s text</li>
 *   <li>resource: {@code resources[0].uid}, else its {@code name}; region: the resource's, else {@code cloud.region};
 *       account: {@code cloud.account.uid}; service: {@code resources[0].group.name}, else its {@code type}</li>
 *   <li>compliance: {@code unmapped.compliance} (Prowler), and {@code compliance.standards} with
 *       {@code compliance.requirements}</li>
 *   <li>observed: {@code time}, milliseconds since the epoch as OCSF says (a value below 10^11 is read as seconds, as
 *       Prowler writes it)</li>
 * </ul>
 */
public final class OcsfParser implements ReportParser {

    public static final String FORMAT = "ocsf";
    private static final long SECONDS_BELOW = 100_000_000_000L;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        throw new IllegalStateException("the ocsf parser reads the report of a named tool");
    }

    @Override
    public String parse(Path reportDir, String tool, FindingSink sink) throws ReportException {
        // why: a tool that names its OCSF files so (Prowler) may write other JSON beside them
        List<Path> files = ReportFiles.matching(reportDir, ".ocsf.json");
        if (files.isEmpty()) {
            files = ReportFiles.matching(reportDir, ".json").stream().filter(p -> !p.getFileName().toString().endsWith(".sarif.json")).toList();
        }
        if (files.isEmpty()) {
            throw new ReportException("no OCSF report (*.json) in " + reportDir);
        }
        long[] counts = new long[7]; // records, fail, manual, muted, pass, other classes, resolved
        for (Path file : files) {
            JsonReports.forEachObject(file, "OCSF events", (record, at) -> {
                counts[0]++;
                int classUid = record.path("class_uid").asInt(0);
                if (classUid != 2004 && classUid != 2001) {
                    counts[5]++;
                    return;
                }
                String check = check(record);
                if (check == null) {
                    throw new ReportException(file, JsonReports.position(at), "finding without metadata.event_code, finding_info.analytic or finding_info.title");
                }
                JsonNode resource = record.path("resources").path(0);
                String resourceId = first(text(resource, "uid"), text(resource, "name"));
                String region = first(text(resource, "region"), text(record.path("cloud"), "region"));
                Map<String, List<String>> compliance = compliance(record);
                if (record.path("status_id").asInt(0) == 4) {
                    // why: Resolved: the producer says it is fixed; neither a finding nor evidence of a pass
                    counts[6]++;
                    return;
                }
                FindingStatus status = status(record);
                if (status == null) {
                    counts[4]++;
                    sink.passed(check, resourceId, region, compliance);
                    return;
                }
                counts[status == FindingStatus.FAIL ? 1 : status == FindingStatus.MANUAL ? 2 : 3]++;
                JsonNode info = record.path("finding_info");
                sink.accept(new Finding(tool, check, first(text(info, "title"), check), severity(record), status,
                        text(record.path("cloud").path("account"), "uid"), region,
                        first(text(resource.path("group"), "name"), text(resource, "type")), resourceId,
                        first(text(record, "status_detail"), text(info, "desc"), text(record, "message")),
                        remediation(record.path("remediation")), compliance, observedAt(record)));
            });
        }
        return "read " + counts[0] + " OCSF event(s) from " + files.size() + " file(s): " + counts[1] + " failed, " + counts[2]
                + " manual, " + counts[3] + " muted, " + counts[4] + " passed"
                + (counts[6] > 0 ? ", " + counts[6] + " resolved left out" : "")
                + (counts[5] > 0 ? ", " + counts[5] + " of classes other than Detection Finding left out" : "");
    }

    private static String check(JsonNode record) {
        JsonNode analytic = record.path("finding_info").path("analytic");
        return first(text(record.path("metadata"), "event_code"), text(analytic, "uid"), text(analytic, "name"),
                text(record.path("finding_info"), "title"));
    }

    /**
     * Null for a pass. {@code status_code} is free text in OCSF: a word we do not know (INFO, SKIPPED...) asks for a human
     * (manual) rather than refusing the whole report or calling it a failure.
     */
    private static FindingStatus status(JsonNode record) {
        String code = first(text(record, "status_code"), text(record.path("compliance"), "status"));
        FindingStatus status = FindingStatus.FAIL;
        if (code != null) {
            status = switch (code.strip().toUpperCase(java.util.Locale.ROOT)) {
                case "PASS", "PASSED" -> null;
                case "FAIL", "FAILED", "WARNING", "WARN" -> FindingStatus.FAIL;
                default -> FindingStatus.MANUAL;
            };
        }
        if (status != null && ("Suppressed".equalsIgnoreCase(text(record, "status")) || record.path("status_id").asInt(0) == 3
                || record.path("unmapped").path("muted").asBoolean(false))) {
            return FindingStatus.SUPPRESSED;
        }
        return status;
    }

    private static Severity severity(JsonNode record) {
        return switch (record.path("severity_id").asInt(-1)) {
            case 1 -> Severity.INFO;
            case 2 -> Severity.LOW;
            case 3 -> Severity.MEDIUM;
            case 4 -> Severity.HIGH;
            case 5, 6 -> Severity.CRITICAL;
            default -> Severity.parse(text(record, "severity")).orElse(Severity.INFO);
        };
    }

    private static Map<String, List<String>> compliance(JsonNode record) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        JsonNode unmapped = record.path("unmapped").path("compliance");
        if (unmapped.isObject()) {
            for (Map.Entry<String, JsonNode> framework : unmapped.properties()) {
                result.put(framework.getKey(), strings(framework.getValue()));
            }
        }
        JsonNode compliance = record.path("compliance");
        List<String> requirements = strings(compliance.path("requirements"));
        for (String standard : strings(compliance.path("standards"))) {
            result.merge(standard, requirements, (a, b) -> {
                List<String> both = new ArrayList<>(a);
                b.stream().filter(r -> !both.contains(r)).forEach(both::add);
                return both;
            });
        }
        return result;
    }

    /** An array of strings, or one string of comma-separated ids. */
    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> {
                if (v.isString() && !v.asString().isBlank()) {
                    values.add(v.asString().strip());
                }
            });
        } else if (node.isString()) {
            for (String v : node.asString().split(",")) {
                if (!v.isBlank()) {
                    values.add(v.strip());
                }
            }
        }
        return values;
    }

    private static String remediation(JsonNode remediation) {
        List<String> parts = new ArrayList<>();
        String desc = text(remediation, "desc");
        if (desc != null) {
            parts.add(desc);
        }
        for (JsonNode ref : remediation.path("references")) {
            if (ref.isString() && !ref.asString().isBlank()) {
                parts.add(ref.asString());
            }
        }
        return parts.isEmpty() ? null : String.join("\n", parts);
    }

    private static Instant observedAt(JsonNode record) {
        JsonNode time = record.get("time");
        if (time == null || !time.isNumber() || !time.canConvertToLong()) {
            return null;
        }
        long value = time.asLong();
        try {
            return Math.abs(value) < SECONDS_BELOW ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
        } catch (DateTimeException outsideEveryCalendar) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        return JsonReports.text(node, field);
    }
}
