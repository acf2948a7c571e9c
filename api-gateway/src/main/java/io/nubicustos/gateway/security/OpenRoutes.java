package io.nubicustos.gateway.security;

import java.util.regex.Pattern;

/**
 * The only routes of the API's port that answer without a key when keys are configured: the health probes.
 * Everything else is denied by default, metrics too (they name every profile with its counts); they are scraped
 * without a key on a separate management port ({@code MANAGEMENT_SERVER_PORT}).
 *
 * <p>why: the decision is made on the raw request URI, and only an exact, plain spelling is open.
 * Any other spelling the router might still map to a controller (percent-encoding, {@code ;} path
 * parameters, repeated slashes, dot segments, another letter case, a backslash) is not on this list,
 * so it needs a key like every other route; there is no spelling of a protected route that this
 * check and the router read differently.
 */
final class OpenRoutes {

    private static final Pattern HEALTH = Pattern.compile("/actuator/health(/[A-Za-z][A-Za-z0-9-]{0,63}){0,2}");

    private OpenRoutes() {
    }

    static boolean isOpen(String rawUri) {
        if (rawUri == null) {
            return false;
        }
        // /livez and /readyz: the probes on the API's port when the actuator has a management port of its own
        return HEALTH.matcher(rawUri).matches() || rawUri.equals("/livez") || rawUri.equals("/readyz");
    }
}
