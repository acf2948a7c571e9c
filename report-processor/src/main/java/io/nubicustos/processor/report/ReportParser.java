package io.nubicustos.processor.report;

import java.nio.file.Path;

/** Reads one tool's report directory and streams its normalized findings into a sink. */
public interface ReportParser {

    /** The catalog's {@code report_format} this parser reads. */
    String format();

    /**
     * Parses the report files in {@code reportDir} (the step's own directory).
     *
     * @return a one-line summary of what was read, stored with the step
     */
    String parse(Path reportDir, FindingSink sink) throws ReportException;

    /**
     * Parses the report of {@code tool} (its catalog key). A tool's own parser knows which tool it reads; a generic
     * format's (SARIF, OCSF) is told, so findings carry the catalog key of whatever tool the operator added.
     */
    default String parse(Path reportDir, String tool, FindingSink sink) throws ReportException {
        return parse(reportDir, sink);
    }
}
