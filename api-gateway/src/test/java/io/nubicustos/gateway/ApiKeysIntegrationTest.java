package io.nubicustos.gateway;

import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With API keys configured: every /api/** route needs one, health stays open, rates are limited, mutations audited. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.api.keys=ci:ci-key-0123456789abcdef,ops:ops-key-0123456789abcdef,burst:burst-key-0123456789abcdef",
        "nubicustos.api.requests-per-minute=20", "nubicustos.api.unauthenticated-per-minute=1000"})
@RealInfrastructure
class ApiKeysIntegrationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path aws = TestDirectories.create("aws");
        Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", aws::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyApiRouteNeedsAKeyButHealthDoesNot() throws Exception {
        UUID id = UUID.randomUUID();
        List<String[]> routes = List.of(
                new String[] {"GET", "/api/scans/profiles/list"}, new String[] {"POST", "/api/scans"}, new String[] {"GET", "/api/scans"},
                new String[] {"GET", "/api/scans/" + id}, new String[] {"GET", "/api/scans/" + id + "/status"},
                new String[] {"GET", "/api/scans/" + id + "/errors"}, new String[] {"GET", "/api/scans/" + id + "/findings"},
                new String[] {"GET", "/api/scans/" + id + "/diff"}, new String[] {"GET", "/api/scans/" + id + "/findings/export"},
                new String[] {"GET", "/api/findings?fingerprint=x"}, new String[] {"POST", "/api/scans/" + id + "/cancel"},
                new String[] {"DELETE", "/api/scans/" + id}, new String[] {"DELETE", "/api/scans/bulk"},
                new String[] {"POST", "/api/scans/bulk/archive"}, new String[] {"GET", "/api/scans/archives"},
                new String[] {"GET", "/api/scans/archives/a.zip"}, new String[] {"DELETE", "/api/scans/archives/a.zip"},
                new String[] {"GET", "/api/anything"}, new String[] {"GET", "/actuator/prometheus"});
        for (String[] route : routes) {
            assertThat(send(route[0], route[1], null).statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
            assertThat(send(route[0], route[1], "wrong-key-0123456789abcdef").statusCode()).as("wrong key " + route[1]).isEqualTo(401);
        }
        assertThat(send("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/scans/profiles/list", "ops-key-0123456789abcdef").statusCode()).isEqualTo(200);
    }

    @Test
    void mutatingCallsAreAuditedWithTheKeysName() throws Exception {
        HttpResponse<String> created = send("POST", "/api/scans", "ci-key-0123456789abcdef");
        assertThat(created.statusCode()).isEqualTo(202);
        send("POST", "/api/scans", null);

        // audit rows are written in batches, within moments
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
            List<Map<String, Object>> audit = jdbc.sql("select actor, method, path, status from audit_log order by id").query().listOfRows();
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("actor", "ci").containsEntry("method", "POST")
                    .containsEntry("path", "/api/scans").containsEntry("status", 202));
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("actor", "unauthenticated").containsEntry("status", 401));
        });
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfter() throws Exception {
        int limited = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 40; i++) {
            last = send("GET", "/api/scans", "burst-key-0123456789abcdef");
            if (last.statusCode() == 429) {
                limited++;
            }
        }
        assertThat(limited).isGreaterThan(0);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
    }

    private HttpResponse<String> send(String method, String path, String key) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json");
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        builder.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("{\"profile\": \"quick\"}"));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
