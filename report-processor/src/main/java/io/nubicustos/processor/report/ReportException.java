package io.nubicustos.processor.report;

import java.nio.file.Path;

/**
 * A report cannot be read: it is missing, truncated, malformed or hostile. The message names the
 * file and, where known, the position, because that is what a user needs to look at.
 */
public class ReportException extends Exception {

    public ReportException(Path file, String position, String message) {
        super(file.getFileName() + (position == null ? "" : " at " + position) + ": " + message);
    }

    public ReportException(String message) {
        super(message);
    }
}
