package io.nubicustos.gateway.security;

import java.util.regex.Pattern;

/**
 * The only routes that answer without a key when keys are configured: the health probes, and the
 * metrics unless they are protected. Everything else is denied by default.
 *
 * <p>why: the decision is made on the raw request URI, and only an exact, plain spelling is open.
 * Any other spelling the router might still map to a controller (percent-encoding, {@code ;} path
 * parameters, repeated slashes, dot segments, another letter case, a backslash) is not on this list,
 * so it needs a key like every other route; there is no spelling of a protected route that this
 * check and the router read differently.
 */
final class OpenRoutes {

    private static final Pattern HEALTH = Pattern.compile("/actuator/health(/[A-Za-z][A-Za-z0-9-]{0,63}){0,2}");
    private static final String METRICS = "/actuator/prometheus";

    private OpenRoutes() {
    }

    static boolean isOpen(String rawUri, boolean protectMetrics) {
        if (rawUri == null) {
            return false;
        }
        return HEALTH.matcher(rawUri).matches() || (!protectMetrics && rawUri.equals(METRICS));
    }
}
