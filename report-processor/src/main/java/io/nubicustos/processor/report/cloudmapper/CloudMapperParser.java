package io.nubicustos.processor.report.cloudmapper;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.BoundedLines;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;

/**
 * {@code cloudmapper audit --json}, which the worker saves from the container's stdout: one JSON object
 * per line ({@code account_id}, {@code region}, {@code issue}, {@code resource}, {@code details},
 * {@code finding_type_metadata} with title, description and severity from CloudMapper's audit config).
 * Lines that are not JSON objects (progress output) are counted and skipped. Severity {@code MUTE} means
 * the operator muted that finding type: kept as suppressed.
 */
public final class CloudMapperParser implements ReportParser {

    public static final String FORMAT = "cloudmapper-audit";
    private static final String TOOL = "cloudmapper";
    private static final int MAX_LINE = 1024 * 1024;

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.required(reportDir, ".jsonl", "CloudMapper audit output");
        long findings = 0;
        long skipped = 0;
        for (Path file : files) {
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
            try (BoundedLines lines = new BoundedLines(new InputStreamReader(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
                    decoder), MAX_LINE)) {
                String line;
                while ((line = lines.next()) != null) {
                    long number = lines.lineNumber();
                    if (lines.wasCut()) {
                        throw new ReportException(file, "line " + number, "line longer than " + MAX_LINE + " characters");
                    }
                    String trimmed = line.strip();
                    if (!trimmed.startsWith("{")) {
                        skipped++;
                        continue;
                    }
                    JsonNode entry;
                    try {
                        entry = JsonReports.MAPPER.readTree(trimmed);
                    } catch (JacksonException e) {
                        throw new ReportException(file, "line " + number, e.getOriginalMessage());
                    }
                    String issue = JsonReports.text(entry, "issue");
                    if (issue == null) {
                        throw new ReportException(file, "line " + number, "audit line without 'issue'");
                    }
                    try {
                        sink.accept(finding(issue, entry));
                    } catch (RuntimeException e) {
                        throw JsonReports.unreadable(file, "line " + number, e);
                    }
                    findings++;
                }
            } catch (CharacterCodingException e) {
                throw new ReportException(file, null, "not UTF-8 text");
            } catch (IOException e) {
                throw new ReportException(file, null, "cannot read: " + e.getMessage());
            }
        }
        return "read " + findings + " CloudMapper audit finding(s)" + (skipped > 0 ? "; " + skipped + " non-JSON output line(s) skipped" : "");
    }

    private static Finding finding(String issue, JsonNode entry) {
        JsonNode meta = entry.path("finding_type_metadata");
        String level = JsonReports.text(meta, "severity");
        boolean muted = "MUTE".equalsIgnoreCase(level);
        Severity severity = Severity.parse(level).orElse(Severity.INFO);
        String description = JsonReports.text(meta, "description");
        return new Finding(TOOL, issue, JsonReports.text(meta, "title"), severity, muted ? FindingStatus.SUPPRESSED : FindingStatus.FAIL,
                JsonReports.text(entry, "account_id"), JsonReports.text(entry, "region"), JsonReports.text(meta, "group"),
                JsonReports.text(entry, "resource"), (description == null ? "" : description + "\n") + "Details: " + entry.path("details"),
                null, Map.of(), null);
    }
}
