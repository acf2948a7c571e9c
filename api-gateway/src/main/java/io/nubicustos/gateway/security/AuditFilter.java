package io.nubicustos.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Writes every mutating {@code /api/**} call (POST, PUT, PATCH, DELETE) to {@code audit_log}: who (the
 * key's name), what (method, path, resulting status), when. Refused calls are recorded too. A failure
 * to write the audit row is logged and never changes the response.
 */
final class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final String INSERT = """
            insert into audit_log (at, actor, method, path, status, remote) values (:at, :actor, :method, :path, :status, :remote)
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditFilter(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/") || request.getMethod().equals("GET")
                || request.getMethod().equals("HEAD") || request.getMethod().equals("OPTIONS");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            Object actor = request.getAttribute(ApiKeyFilter.ACTOR);
            try {
                jdbc.sql(INSERT).param("at", OffsetDateTime.now(clock)).param("actor", actor == null ? "unknown" : actor.toString())
                        .param("method", request.getMethod()).param("path", abbreviate(request.getRequestURI()))
                        .param("status", response.getStatus()).param("remote", request.getRemoteAddr()).update();
            } catch (RuntimeException e) {
                log.warn("Could not write the audit row for {} {} ({})", request.getMethod(), request.getRequestURI(), e.toString());
            }
        }
    }

    private static String abbreviate(String path) {
        return path.length() > 500 ? path.substring(0, 500) : path;
    }
}
