package io.nubicustos.cli;

import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/** Polls a status until it is terminal, saying on stderr when it changes. */
final class Waiting {

    private Waiting() {
    }

    static JsonNode untilTerminal(ApiClient api, String statusPath, Duration timeout, Duration poll, PrintWriter err,
                                  java.util.function.Predicate<JsonNode> settled) {
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (true) {
            JsonNode status = api.get(statusPath);
            String now = status.path("status").asString("");
            if (!now.equals(last)) {
                err.println("status: " + now);
                err.flush();
                last = now;
            }
            if (settled.test(status)) {
                return status;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException(ExitCodes.SCAN_FAILED, "still " + now + " after " + timeout + " (" + statusPath + ")");
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.SCAN_FAILED, "interrupted while waiting for " + statusPath);
            }
        }
    }
}
