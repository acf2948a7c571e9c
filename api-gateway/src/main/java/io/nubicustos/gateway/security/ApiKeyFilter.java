package io.nubicustos.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * When API keys are configured, every {@code /api/**} request (and {@code /actuator/prometheus} if so
 * configured) needs a valid {@code X-API-Key}: 401 otherwise; 429 past the key's rate. Health stays open.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    static final String ACTOR = "nubicustos.actor";

    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final boolean protectMetrics;

    ApiKeyFilter(ApiKeys keys, RateLimiter limiter, boolean protectMetrics) {
        this.keys = keys;
        this.limiter = limiter;
        this.protectMetrics = protectMetrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/api/") || path.equals("/api") || (protectMetrics && path.startsWith("/actuator/prometheus")));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!keys.enabled()) {
            request.setAttribute(ACTOR, "anonymous");
            chain.doFilter(request, response);
            return;
        }
        Optional<String> name = keys.match(request.getHeader(HEADER));
        if (name.isEmpty()) {
            request.setAttribute(ACTOR, "unauthenticated");
            JsonErrors.write(response, 401, "unauthorized", request.getHeader(HEADER) == null
                    ? "this API needs an X-API-Key header" : "the X-API-Key is not valid");
            return;
        }
        request.setAttribute(ACTOR, name.get());
        if (!limiter.tryAcquire(name.get())) {
            response.setHeader("Retry-After", Long.toString(limiter.retryAfterSeconds()));
            JsonErrors.write(response, 429, "rate_limited", "key '" + name.get() + "' is over its rate; retry later");
            return;
        }
        chain.doFilter(request, response);
    }
}
