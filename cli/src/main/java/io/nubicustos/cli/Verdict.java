package io.nubicustos.cli;

import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;

/** The exit code of a settled scan: failed or cancelled 3, findings at or above the threshold 1, else 0. */
final class Verdict {

    private Verdict() {
    }

    static int of(JsonNode status, Severity threshold, PrintWriter err) {
        String state = status.path("status").asString("");
        JsonNode findings = status.path("findings");
        err.println("findings: " + findings);
        if (!state.equals("completed")) {
            err.println("the scan " + state + (status.path("error").isString() ? ": " + status.path("error").asString() : ""));
            err.flush();
            return ExitCodes.SCAN_FAILED;
        }
        long atOrAbove = 0;
        for (Severity s : threshold.andAbove()) {
            atOrAbove += findings.path(s.api()).asLong(0);
        }
        if (atOrAbove > 0) {
            err.println(atOrAbove + " finding(s) at or above " + threshold.api());
            err.flush();
            return ExitCodes.FINDINGS;
        }
        err.flush();
        return ExitCodes.CLEAN;
    }
}
