package io.nubicustos.gateway.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * Deny by default: when API keys are configured, every request needs a valid {@code X-API-Key}
 * except the {@link OpenRoutes} (health) and requests to a separate management port: 401 otherwise. Callers
 * without a valid key are throttled per client address (429), so keys cannot be guessed at speed;
 * a valid key is limited by its own rate (429). With no key configured the API is open.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private final ApiKeys keys;
    private final RateLimiter perKey;
    private final RateLimiter perAddress;
    private final int managementPort;
    private final OidcTokens oidc;
    private final Counter throttled;

    /** @param managementPort a separate management port (not the API's), whose requests need no key; -1 for none */
    ApiKeyFilter(ApiKeys keys, RateLimiter perKey, RateLimiter perAddress, int managementPort, MeterRegistry meters) {
        this(keys, null, perKey, perAddress, managementPort, meters);
    }

    /** @param oidc bearer tokens of an OIDC issuer, accepted beside keys; null when none is configured */
    ApiKeyFilter(ApiKeys keys, OidcTokens oidc, RateLimiter perKey, RateLimiter perAddress, int managementPort, MeterRegistry meters) {
        this.oidc = oidc;
        this.keys = keys;
        this.perKey = perKey;
        this.perAddress = perAddress;
        this.managementPort = managementPort;
        this.throttled = meters.counter("nubicustos.api.throttled");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!keys.enabled() && oidc == null) {
            AuditTrail.actor(request, "anonymous");
            Caller.unkeyedApi().attachTo(request);
            chain.doFilter(request, response);
            return;
        }
        if (OpenRoutes.isOpen(request.getRequestURI()) || (managementPort > 0 && request.getLocalPort() == managementPort)) {
            AuditTrail.actor(request, "anonymous");
            Caller.onOpenRoute().attachTo(request);
            chain.doFilter(request, response);
            return;
        }
        String presented = request.getHeader(HEADER);
        String authorization = request.getHeader("Authorization");
        Optional<Caller> caller;
        if (presented == null && oidc != null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
            try {
                caller = oidc.authenticate(presented);
            } catch (OidcTokens.IssuerUnavailable e) {
                // why: every such request asks the issuer again; callers without a valid credential are throttled as ever
                if (throttledWithoutCredential(request, response)) {
                    return;
                }
                response.setHeader("Retry-After", "30");
                JsonErrors.write(request, response, 503, "issuer_unavailable", e.getMessage() + "; retry later");
                return;
            }
        } else {
            caller = keys.match(presented);
        }
        Optional<String> name = caller.map(Caller::name);
        if (name.isEmpty()) {
            if (throttledWithoutCredential(request, response)) {
                return;
            }
            JsonErrors.write(request, response, 401, "unauthorized", presented == null
                    ? "this API needs an X-API-Key header" + (oidc == null ? "" : " or an Authorization: Bearer token of its OIDC issuer")
                    : "the X-API-Key or bearer token is not valid");
            return;
        }
        AuditTrail.actor(request, name.get());
        caller.get().attachTo(request);
        // why: the actuator's endpoints are routed outside the role interceptor; a caller with no role reaches none of them
        if (caller.get().roles().isEmpty() && request.getRequestURI().startsWith("/actuator")) {
            JsonErrors.write(request, response, 403, "forbidden", "'" + name.get() + "' has no role; it needs the read role", "required_role",
                    Role.READ.value());
            return;
        }
        if (!perKey.tryAcquire(name.get())) {
            throttled.increment();
            AuditTrail.throttled(request);
            response.setHeader("Retry-After", Long.toString(perKey.retryAfterSeconds()));
            JsonErrors.write(request, response, 429, "rate_limited", "key '" + name.get() + "' is over its rate; retry later");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Marks the caller unauthenticated and answers 429 when its address is over its rate; true when it answered. */
    private boolean throttledWithoutCredential(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AuditTrail.actor(request, "unauthenticated");
        if (perAddress.tryAcquire(clientOf(request.getRemoteAddr()))) {
            return false;
        }
        throttled.increment();
        AuditTrail.throttled(request);
        response.setHeader("Retry-After", Long.toString(perAddress.retryAfterSeconds()));
        JsonErrors.write(request, response, 429, "rate_limited", "too many calls without a valid key from this address; retry later");
        return true;
    }

    /**
     * The client an address stands for: an IPv4 address, or the /64 network of an IPv6 address (one host
     * usually holds a whole /64, so counting its addresses one by one would not throttle it at all).
     */
    static String clientOf(String address) {
        if (address == null || !address.contains(":")) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
