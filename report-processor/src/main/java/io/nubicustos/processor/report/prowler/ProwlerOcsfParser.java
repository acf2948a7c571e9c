package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.DateTimeException;

/**
 * Prowler's {@code json-ocsf} output (4.2.x, and the 5.x layout): one JSON array of OCSF Detection
 * Findings, read one element at a time so memory stays flat whatever the report's size.
 * <ul>
 *   <li>{@code status_code} PASS is not a finding; FAIL is; MANUAL is "needs review".</li>
 *   <li>{@code status} "Suppressed" means muted by the mutelist: kept as suppressed, never counted.</li>
 *   <li>Timestamps are Prowler's naive scan-start time, read as UTC (the file carries no zone).</li>
 * </ul>
 */
public final class ProwlerOcsfParser implements ReportParser {

    /** Read through {@link ProwlerParser}, which picks one of a run's formats. */

    public static final String FORMAT = "prowler-ocsf";
    static final String TOOL = "prowler";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.matching(reportDir, ".ocsf.json");
        if (files.isEmpty()) {
            throw new ReportException("no Prowler report (*.ocsf.json) in " + reportDir
                    + "; Prowler exits 1 on errors, see the log tail");
        }
        Counts counts = new Counts();
        for (Path file : files) {
            parseFile(file, sink, counts);
        }
        return "read " + counts.records + " Prowler result(s) from " + files.size() + " file(s): " + counts.fail + " FAIL, "
                + counts.manual + " MANUAL, " + counts.muted + " muted, " + counts.pass + " PASS";
    }

    private void parseFile(Path file, FindingSink sink, Counts counts) throws ReportException {
        JsonReports.forEachObject(file, "OCSF findings", (record, at) -> {
            counts.records++;
            Finding finding = normalize(record, file, at);
            if (finding == null) {
                counts.pass++;
                JsonNode resource = record.path("resources").path(0);
                sink.passed(text(record.path("metadata"), "event_code"), resourceId(resource), region(record, resource),
                        compliance(record.path("unmapped").path("compliance")));
                return;
            }
            switch (finding.status()) {
                case FAIL -> counts.fail++;
                case MANUAL -> counts.manual++;
                case SUPPRESSED -> counts.muted++;
            }
            sink.accept(finding);
        });
    }

    /** A result's resource: its uid, else its name (passes and failures name resources alike). */
    private static String resourceId(JsonNode resource) {
        String uid = text(resource, "uid");
        return uid != null ? uid : text(resource, "name");
    }

    /** A result's region: its resource's, else the cloud's. */
    private static String region(JsonNode record, JsonNode resource) {
        String region = text(resource, "region");
        return region != null ? region : text(record.path("cloud"), "region");
    }

    /** One OCSF record as a finding, or null when it is a PASS. */
    Finding normalize(JsonNode record, Path file, TokenStreamLocation at) throws ReportException {
        String statusCode = text(record, "status_code");
        if (statusCode == null) {
            throw new ReportException(file, position(at), "finding without status_code");
        }
        FindingStatus status = switch (statusCode.toUpperCase()) {
            case "PASS" -> null;
            case "FAIL" -> FindingStatus.FAIL;
            case "MANUAL" -> FindingStatus.MANUAL;
            default -> throw new ReportException(file, position(at), "unknown status_code '" + statusCode + "'");
        };
        if (status == null) {
            return null;
        }
        if ("Suppressed".equalsIgnoreCase(text(record, "status")) || record.path("unmapped").path("muted").asBoolean(false)) {
            status = FindingStatus.SUPPRESSED;
        }
        String checkId = text(record.path("metadata"), "event_code");
        if (checkId == null) {
            throw new ReportException(file, position(at), "finding without metadata.event_code (the check id)");
        }
        JsonNode resource = record.path("resources").path(0);
        String resourceId = resourceId(resource);
        String region = region(record, resource);
        Severity severity = Severity.parse(text(record, "severity")).orElse(Severity.INFO);
        return new Finding(TOOL, checkId, text(record.path("finding_info"), "title"), severity, status,
                text(record.path("cloud").path("account"), "uid"), region, text(resource.path("group"), "name"), resourceId,
                text(record, "status_detail"), remediation(record.path("remediation")),
                compliance(record.path("unmapped").path("compliance")), observedAt(record));
    }

    private static String remediation(JsonNode remediation) {
        String desc = text(remediation, "desc");
        List<String> references = new ArrayList<>();
        for (JsonNode ref : remediation.path("references")) {
            if (ref.isString() && !ref.asString().isBlank()) {
                references.add(ref.asString());
            }
        }
        if (references.isEmpty()) {
            return desc;
        }
        return (desc == null ? "" : desc + "\n") + String.join("\n", references);
    }

    private static Map<String, List<String>> compliance(JsonNode node) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (!node.isObject()) {
            return result;
        }
        for (Map.Entry<String, JsonNode> framework : node.properties()) {
            List<String> ids = new ArrayList<>();
            if (framework.getValue().isArray()) {
                framework.getValue().forEach(id -> ids.add(id.asString()));
            } else if (framework.getValue().isString()) {
                for (String id : framework.getValue().asString().split(",")) {
                    if (!id.isBlank()) {
                        ids.add(id.trim());
                    }
                }
            }
            result.put(framework.getKey(), ids);
        }
        return result;
    }

    private static Instant observedAt(JsonNode record) {
        JsonNode epoch = record.get("time");
        if (epoch != null && epoch.isNumber()) {
            try {
                return epoch.canConvertToLong() ? Instant.ofEpochSecond(epoch.asLong()) : null;
            } catch (DateTimeException outsideEveryCalendar) {
                // why: a time no clock can show is left out, like one that cannot be read, rather than failing the report
                return null;
            }
        }
        for (String field : new String[] {"time_dt", "event_time"}) {
            String value = text(record, field);
            if (value != null) {
                try {
                    return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    try {
                        return Instant.parse(value);
                    } catch (DateTimeParseException ignored) {
                        // a timestamp we cannot read is left out rather than failing the report
                    }
                }
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        return JsonReports.text(node, field);
    }

    static String position(TokenStreamLocation location) {
        return JsonReports.position(location);
    }

    private static final class Counts {
        long records;
        long fail;
        long manual;
        long muted;
        long pass;
    }
}
