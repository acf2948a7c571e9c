package io.nubicustos.gateway.web;

import io.nubicustos.support.logging.LogContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every log line written while a request is served carries its {@code request_id} (the caller's {@code X-Request-Id} when
 * it is a plain token, else a new one, and answered in the same header so the caller can quote it), and {@code scan_id}
 * on the routes of one scan. First of the filters, so the key filter's refusals carry them too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RequestLogContext extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    // why: a caller's id goes into every log line; only a short plain token may, so it can neither forge nor flood a line
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern SCAN_ROUTE = Pattern.compile("^/api/scans/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(/.*)?$");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String asked = request.getHeader(HEADER);
        String requestId = asked != null && PLAIN.matcher(asked).matches() ? asked : UUID.randomUUID().toString();
        response.setHeader(HEADER, requestId);
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put(LogContext.REQUEST_ID, requestId);
        Matcher scan = SCAN_ROUTE.matcher(request.getRequestURI());
        if (scan.matches()) {
            keys.put(LogContext.SCAN_ID, scan.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        try (LogContext ignored = LogContext.of(keys)) {
            chain.doFilter(request, response);
        }
    }
}
