package io.nubicustos.cli;

/** The exit codes a pipeline reads (README "Command line"); 2 is picocli's own for usage errors. */
public final class ExitCodes {

    /** Done; a scan's findings are all below the threshold. */
    public static final int CLEAN = 0;
    /** A scan has findings at or above the threshold ({@code --fail-on}). */
    public static final int FINDINGS = 1;
    /** Usage: an unknown option or command, a missing value (picocli), or a request the API refused as invalid (400, 404, 409, 422). */
    public static final int USAGE = 2;
    /** The scan (or campaign) failed or was cancelled, or did not settle in {@code --timeout}. */
    public static final int SCAN_FAILED = 3;
    /** The API could not be reached, answered an error of its own (5xx), or refused the key (401, 403). */
    public static final int API_UNAVAILABLE = 4;

    private ExitCodes() {
    }
}
