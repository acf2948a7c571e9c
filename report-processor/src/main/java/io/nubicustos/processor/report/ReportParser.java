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
}
