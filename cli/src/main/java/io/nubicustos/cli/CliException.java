package io.nubicustos.cli;

/** A failure the command reports in one line, with the exit code it means. */
final class CliException extends RuntimeException {

    private final int exitCode;
    private final boolean transientFailure;

    CliException(int exitCode, String message) {
        this(exitCode, message, false);
    }

    /** @param transientFailure the API may answer if asked again (unreachable, 5xx, 429): a wait retries it; a refused key is not */
    CliException(int exitCode, String message, boolean transientFailure) {
        super(message);
        this.exitCode = exitCode;
        this.transientFailure = transientFailure;
    }

    boolean transientFailure() {
        return transientFailure;
    }

    int exitCode() {
        return exitCode;
    }
}
