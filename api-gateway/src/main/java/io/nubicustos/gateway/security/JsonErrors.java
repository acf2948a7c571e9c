package io.nubicustos.gateway.security;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Filters answer errors in the API's one error shape. */
final class JsonErrors {

    private JsonErrors() {
    }

    static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":" + status + ",\"error\":\"" + code + "\",\"field\":null,\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        // why: answered before the request body is read; the answer goes out now, whatever the container does with the body
        response.flushBuffer();
    }
}
