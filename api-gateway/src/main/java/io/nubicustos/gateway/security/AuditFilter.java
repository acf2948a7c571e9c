package io.nubicustos.gateway.security;

import io.nubicustos.gateway.web.Printable;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Clock;
import java.util.Set;

/**
 * Writes to {@code audit_log}: every mutating call (POST, PUT, PATCH, DELETE, whatever its path), every
 * call refused for want of a valid key (401/403), and every call whose controller recorded what it
 * touched (bulk deletes and archives with their scan ids, archive and export downloads): who (the key's
 * name), what, when, from where. Throttled calls (429) are counted in a metric, not written one by one,
 * so a flood cannot fill the table. Rows are written in batches by {@link AuditLog}, off the request's path;
 * a failure to write one is logged and never changes the response.
 */
final class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final int MAX_PATH = 500;
    private final AuditLog auditLog;
    private final ObjectMapper json;
    private final Clock clock;

    AuditFilter(AuditLog auditLog, ObjectMapper json, Clock clock) {
        this.auditLog = auditLog;
        this.json = json;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (shouldRecord(request, response.getStatus())) {
                record(request, response.getStatus());
            }
        }
    }

    private static boolean shouldRecord(HttpServletRequest request, int status) {
        if (request.getAttribute(AuditTrail.THROTTLED) != null) {
            return false;
        }
        return !READS.contains(request.getMethod()) || status == 401 || status == 403
                || request.getAttribute(AuditTrail.DETAIL) != null;
    }

    private void record(HttpServletRequest request, int status) {
        Object actor = request.getAttribute(AuditTrail.ACTOR);
        Object detail = request.getAttribute(AuditTrail.DETAIL);
        try {
            auditLog.record(new AuditLog.Entry(clock.instant(), actor == null ? "unknown" : actor.toString(),
                    printable(request.getMethod(), 16), printable(request.getRequestURI(), MAX_PATH), status, request.getRemoteAddr(),
                    detail == null ? null : json.writeValueAsString(detail)));
        } catch (RuntimeException e) {
            log.warn("Could not record the audit row for {} {} ({})", printable(request.getMethod(), 16),
                    printable(request.getRequestURI(), 200), e.toString());
        }
    }

    private static String printable(String value, int max) {
        return Printable.of(value, max);
    }
}
