package io.nubicustos.processor.report.prowler;

import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;

import java.nio.file.Path;
import java.util.List;

/**
 * A Prowler run writes the same results in several formats ({@code csv json-ocsf html} by default).
 * They are one report, not three: the richest present is read — {@code *.ocsf.json}, else
 * {@code *.csv} (outside {@code compliance/}, whose per-framework CSVs are not findings), else
 * {@code *.asff.json}, else Prowler 3's native {@code *.json} — and the others are ignored, so nothing
 * is counted twice.
 */
public final class ProwlerParser implements ReportParser {

    public static final String FORMAT = "prowler";

    private final ProwlerOcsfParser ocsf = new ProwlerOcsfParser();

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        if (!ReportFiles.matching(reportDir, ".ocsf.json").isEmpty()) {
            return ocsf.parse(reportDir, sink);
        }
        List<Path> csv = ReportFiles.matching(reportDir, ".csv").stream()
                .filter(p -> !reportDir.relativize(p).toString().contains("compliance")).toList();
        if (!csv.isEmpty()) {
            long count = readAll(csv, ProwlerCsvReader::read, sink);
            return "read " + count + " Prowler finding(s) (FAIL, MANUAL, muted) from " + csv.size() + " CSV file(s); no json-ocsf report was present";
        }
        List<Path> asff = ReportFiles.matching(reportDir, ".asff.json");
        if (!asff.isEmpty()) {
            long count = readAll(asff, ProwlerAsffReader::read, sink);
            return "read " + count + " Prowler finding(s) (FAILED, WARNING, NOT_AVAILABLE) from " + asff.size() + " ASFF file(s); no json-ocsf or CSV report was present";
        }
        List<Path> legacy = ReportFiles.matching(reportDir, ".json");
        if (!legacy.isEmpty()) {
            long count = readAll(legacy, ProwlerNativeReader::read, sink);
            return "read " + count + " Prowler finding(s) (FAIL, INFO) from " + legacy.size() + " Prowler 3 JSON file(s)";
        }
        throw new ReportException("no Prowler report (*.ocsf.json, *.csv, *.asff.json or Prowler 3 *.json) in " + reportDir
                + "; Prowler exits 1 on errors, see the log tail");
    }

    /** One of Prowler's output formats, read from one file. */
    private interface FormatReader {
        long read(Path file, FindingSink sink) throws ReportException;
    }

    private static long readAll(List<Path> files, FormatReader reader, FindingSink sink) throws ReportException {
        long count = 0;
        for (Path file : files) {
            count += reader.read(file, sink);
        }
        return count;
    }
}
