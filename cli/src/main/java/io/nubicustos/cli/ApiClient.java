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
    private final Duration requestTimeout;

    ApiClient(String url, String apiKey) {
        try {
            String trimmed = url.strip().replaceAll("/+$", "");
            URI parsed = new URI(trimmed);
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || parsed.getHost() == null || parsed.getUserInfo() != null) {
                throw new CliException(ExitCodes.USAGE, "NUBICUSTOS_URL / --url must be an http(s) address with a host name the"
                        + " JDK accepts (letters, digits, dots and dashes) and no user or password (the key goes in NUBICUSTOS_API_KEY),"
                        + " not '" + shown(parsed) + "'");
            }
            this.base = new URI(scheme, null, parsed.getHost(), parsed.getPort(), parsed.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "NUBICUSTOS_URL / --url is not an address: " + e.getReason()
                    .replaceFirst("(?<=//)[^/@]*@", ""));
        }
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.requestTimeout = Duration.ofMinutes(5);
    }

    JsonNode get(String path) {
        return JSON.readTree(send(request(path).GET(), HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode post(String path, Object body) {
        String json = JSON.writeValueAsString(body);
        return JSON.readTree(send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Downloads {@code path} into {@code file}, written (replacing what was there) only once the API answered it whole. */
    void download(String path, Path file) {
        byte[] body = send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()).body();
        try {
            java.nio.file.Files.write(file, body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** This client with a shorter time per request (a poll must not outlast the caller's deadline); this one is unchanged. */
    ApiClient withRequestTimeout(Duration timeout) {
        return new ApiClient(this, timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(1) : timeout);
    }

    private ApiClient(ApiClient other, Duration requestTimeout) {
        this.base = other.base;
        this.apiKey = other.apiKey;
        this.http = other.http;
        this.requestTimeout = requestTimeout;
    }

    /** An address as it may be shown: never with the user and password it may carry, however the URI parsed it. */
    private static String shown(URI uri) {
        return uri.toString().replaceFirst("(?<=//)[^/@]*@", "");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
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
            throw new CliException(ExitCodes.API_UNAVAILABLE, "cannot reach the Nubicustos API at " + shown(base) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.API_UNAVAILABLE, "interrupted while calling " + built.uri().getPath());
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
                    + " (" + status + ")" + detail, true);
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
