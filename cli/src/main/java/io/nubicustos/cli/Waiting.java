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
        if (poll.isNegative() || poll.isZero()) {
            throw new CliException(ExitCodes.USAGE, "the poll interval must be positive, not " + poll);
        }
        Instant deadline = Instant.now().plus(timeout);
        String last = null;
        while (true) {
            JsonNode status;
            try {
                status = api.withRequestTimeout(Duration.ofSeconds(Math.min(30, Math.max(1, Duration.between(Instant.now(), deadline).toSeconds()))))
                        .get(statusPath);
            } catch (CliException unavailable) {
                // why: a 502 or a restart during a two-hour wait is not the end of the scan; retry until the deadline
                if (!unavailable.transientFailure() || Instant.now().isAfter(deadline)) {
                    throw unavailable;
                }
                err.println("retrying: " + unavailable.getMessage());
                err.flush();
                sleep(poll, statusPath);
                continue;
            }
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
            sleep(poll, statusPath);
        }
    }

    private static void sleep(Duration poll, String statusPath) {
        try {
            Thread.sleep(poll.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.SCAN_FAILED, "interrupted while waiting for " + statusPath);
        }
    }
}
