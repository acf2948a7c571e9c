package io.nubicustos.cli;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The REST API as the command uses it: JSON in and out, the key in {@code X-API-Key}, every failure an exit code. */
final class ApiClient {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    ApiClient(String url, String apiKey) {
        try {
            String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            this.base = new URI(trimmed);
            if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
                throw new CliException(ExitCodes.USAGE, "NUBICUSTOS_URL / --url must be an http(s) address, not '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "NUBICUSTOS_URL / --url is not an address: " + e.getMessage());
        }
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    JsonNode get(String path) {
        return JSON.readTree(send(request(path).GET(), HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode post(String path, Object body) {
        String json = JSON.writeValueAsString(body);
        return JSON.readTree(send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Downloads {@code path} into {@code file}. */
    void download(String path, Path file) {
        send(request(path).GET(), HttpResponse.BodyHandlers.ofFile(file));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(Duration.ofMinutes(5))
                .header("Accept", "application/json, */*;q=0.5");
        if (apiKey != null) {
            builder.header("X-API-Key", apiKey);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        HttpRequest built = request.build();
        HttpResponse<T> response;
        try {
            response = http.send(built, body);
        } catch (IOException e) {
            throw new CliException(ExitCodes.API_UNAVAILABLE, "cannot reach the Nubicustos API at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.API_UNAVAILABLE, "interrupted while calling " + built.uri());
        }
        int status = response.statusCode();
        if (status < 300) {
            return response;
        }
        String detail = detail(response.body());
        if (status == 401 || status == 403) {
            throw new CliException(ExitCodes.API_UNAVAILABLE, "the API refused the key (" + status + ")" + detail
                    + (apiKey == null ? "; set NUBICUSTOS_API_KEY" : ""));
        }
        if (status >= 500 || status == 429) {
            throw new CliException(ExitCodes.API_UNAVAILABLE, "the API could not answer " + built.method() + " " + built.uri().getPath()
                    + " (" + status + ")" + detail);
        }
        throw new CliException(ExitCodes.USAGE, built.method() + " " + built.uri().getPath() + " was refused (" + status + ")" + detail);
    }

    /** The API's problem detail, when the body is one. */
    private static String detail(Object body) {
        if (!(body instanceof String text) || text.isBlank()) {
            return "";
        }
        try {
            JsonNode problem = JSON.readTree(text);
            String detail = problem.path("detail").asString(problem.path("message").asString(""));
            return detail.isBlank() ? "" : ": " + detail;
        } catch (JacksonException e) {
            return "";
        }
    }
}
