package io.nubicustos.gateway.security;

import io.nubicustos.gateway.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;

import java.io.IOException;

/**
 * Filters answer errors as the same RFC 9457 problem the controllers' advice writes ({@link Problems}); written by hand
 * because a filter answers before Spring MVC (and its message converters) is reached.
 */
final class JsonErrors {

    private JsonErrors() {
    }

    static void write(HttpServletRequest request, HttpServletResponse response, int status, String code, String message) throws IOException {
        write(request, response, status, code, message, null, null);
    }

    /** With one more member of the caller's interest (e.g. {@code required_role}), when {@code name} is not null. */
    static void write(HttpServletRequest request, HttpServletResponse response, int status, String code, String message,
                      String name, String value) throws IOException {
        HttpStatus resolved = HttpStatus.resolve(status);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"" + Problems.TYPE_PREFIX + code + "\",\"title\":\""
                + escape(resolved == null ? "Error" : resolved.getReasonPhrase()) + "\",\"status\":" + status
                + ",\"detail\":\"" + escape(message) + "\",\"instance\":\"" + escape(request.getRequestURI())
                + "\",\"error\":\"" + code + "\",\"field\":null,\"message\":\"" + escape(message) + "\""
                + (name == null ? "" : ",\"" + name + "\":\"" + escape(value) + "\"") + "}");
        // why: answered before the request body is read; the answer goes out now, whatever the container does with the body
        response.flushBuffer();
    }

    /** JSON string escaping of what may hold a caller's text (a key's name, a path): quotes, backslashes, controls. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
