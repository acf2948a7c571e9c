package io.nubicustos.gateway.security;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Filters answer errors in the API's one error shape. */
final class JsonErrors {

    private JsonErrors() {
    }

    static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        write(response, status, code, message, null, null);
    }

    /** With one more field of the caller's interest (e.g. {@code required_role}), when {@code name} is not null. */
    static void write(HttpServletResponse response, int status, String code, String message, String name, String value) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":" + status + ",\"error\":\"" + code + "\",\"field\":null,\"message\":\""
                + escape(message) + "\"" + (name == null ? "" : ",\"" + name + "\":\"" + escape(value) + "\"") + "}");
        // why: answered before the request body is read; the answer goes out now, whatever the container does with the body
        response.flushBuffer();
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
