package io.nubicustos.standalone;

import io.nubicustos.testsupport.ApiContract;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A tiny client of the REST API, as a user's script would use it. Every answer of an {@code /api} route is
 * held to the API's own OpenAPI document (fetched from the running system on first use): a status, content
 * type or body the document does not describe fails the test that received it.
 */
final class Api {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final int port;
    private volatile ApiContract contract;

    Api(int port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> put(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().build());
    }

    JsonNode getJson(String path) {
        return read(get(path).body());
    }

    JsonNode read(String body) {
        return json.readTree(body);
    }

    String submit(String body) {
        HttpResponse<String> response = post("/api/scans", body);
        if (response.statusCode() != 202) {
            throw new AssertionError("expected 202, got " + response.statusCode() + ": " + response.body());
        }
        return read(response.body()).get("scan_id").asString();
    }

    /** Waits until the scan is completed, failed or cancelled, and answers its status document. */
    JsonNode awaitTerminal(String scanId, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            String status = getJson("/api/scans/" + scanId + "/status").get("status").asString();
            return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
        });
        return getJson("/api/scans/" + scanId + "/status");
    }

    boolean isUp() {
        try {
            return get("/api/scans/profiles/list").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            holdToContract(request, response);
            return response;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void holdToContract(HttpRequest request, HttpResponse<String> response) {
        String path = request.uri().getRawPath() + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
        if (!path.startsWith("/api/")) {
            return;
        }
        if (contract == null) {
            contract = ApiContract.fetch(port, Map.of());
        }
        List<String> violations = contract.violations(request.method(), path, response.statusCode(),
                response.headers().firstValue("content-type").orElse(null), response.body());
        if (!violations.isEmpty()) {
            throw new AssertionError("the answer breaks the API's OpenAPI document: " + violations);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
