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

/**
 * With API keys configured: every /api/** route needs one, health stays open, rates are limited, mutations audited, and
 * each key does only what its roles allow (403 naming the role it needs).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.api.keys=ci:ci-key-0123456789abcdef,ops:ops-key-0123456789abcdef,burst:burst-key-0123456789abcdef,"
                + "reader:reader-key-0123456789abcdef:read,pipeline:pipeline-key-0123456789abcdef:scan,"
                + "triager:triager-key-0123456789abcdef:triage,both:both-key-0123456789abcdef:scan+triage,"
                + "legacy:legacy:key-0123456789abcdef",
        "nubicustos.api.requests-per-minute=20", "nubicustos.api.unauthenticated-per-minute=1000", "nubicustos.quotas.webhooks=1"})
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
    void aKeyDoesOnlyWhatItsRolesAllowWhateverSpellingOfTheRouteItUses() throws Exception {
        String scan = "pipeline-key-0123456789abcdef";
        UUID id = UUID.randomUUID();
        // a CI pipeline's key: scans, but never its own gate's triage, bulk deletes, webhooks or archives
        assertThat(send("POST", "/api/scans", scan).statusCode()).isEqualTo(202);
        for (String[] route : List.of(new String[] {"POST", "/api/triage"}, new String[] {"POST", "/api/triage;x=1"},
                new String[] {"DELETE", "/api/triage/" + id},
                new String[] {"POST", "/api/scans/" + id + "/degradation/accept"})) {
            HttpResponse<String> refused = send(route[0], route[1], scan);
            assertThat(refused.statusCode()).as(route[0] + " " + route[1] + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("\"required_role\":\"triage\"");
        }
        // a spelling the router does not take reaches nothing at all
        assertThat(send("POST", "/api/triage/", scan).statusCode()).isIn(403, 404);
        for (String[] route : List.of(new String[] {"DELETE", "/api/scans/bulk"}, new String[] {"POST", "/api/scans/bulk/archive"},
                new String[] {"GET", "/api/webhooks"}, new String[] {"POST", "/api/webhooks"}, new String[] {"GET", "/api/webhooks/" + id},
                new String[] {"GET", "/api/scans/archives"}, new String[] {"GET", "/api/scans/archives/a.zip"})) {
            HttpResponse<String> refused = send(route[0], route[1], scan);
            assertThat(refused.statusCode()).as(route[0] + " " + route[1] + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("\"required_role\":\"admin\"");
        }
        // read: every GET but archives and webhooks; nothing else
        assertThat(send("GET", "/api/scans", "reader-key-0123456789abcdef").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/actuator/prometheus", "reader-key-0123456789abcdef").statusCode()).isEqualTo(200);
        HttpResponse<String> readerPosts = send("POST", "/api/scans", "reader-key-0123456789abcdef");
        assertThat(readerPosts.statusCode()).isEqualTo(403);
        assertThat(readerPosts.body()).contains("\"required_role\":\"scan\"");
        // triage: rules (the body is refused for what it is, not for who sent it), but no scans
        assertThat(send("POST", "/api/triage", "triager-key-0123456789abcdef").statusCode()).isNotIn(401, 403);
        assertThat(send("POST", "/api/scans", "triager-key-0123456789abcdef").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/scans", "both-key-0123456789abcdef").statusCode()).isEqualTo(202);
        assertThat(send("POST", "/api/triage", "both-key-0123456789abcdef").statusCode()).isNotIn(401, 403);
        // no role: admin, as the specification's single key; a colon inside a key made before roles is kept
        assertThat(send("GET", "/api/webhooks", "ops-key-0123456789abcdef").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/webhooks", "legacy:key-0123456789abcdef").statusCode()).isEqualTo(200);
    }

    @Test
    void aCallerAtItsQuotaGets409NamingTheSettingAndAnotherCallerIsNotHeldBack() throws Exception {
        String hook = "{\"url\": \"https://hooks.example.com/nubicustos\", \"event_types\": [\"scan.completed\"]}";
        assertThat(sendBody("POST", "/api/webhooks", "ops-key-0123456789abcdef", hook).statusCode()).isEqualTo(201);
        HttpResponse<String> over = sendBody("POST", "/api/webhooks", "ops-key-0123456789abcdef", hook);
        assertThat(over.statusCode()).as(over.body()).isEqualTo(409);
        assertThat(over.body()).contains("\"error\":\"quota_exceeded\"").contains("\"quota\":\"nubicustos.quotas.webhooks\"");
        assertThat(sendBody("POST", "/api/webhooks", "legacy:key-0123456789abcdef", hook).statusCode()).as("a quota is per caller")
                .isEqualTo(201);
    }

    @Test
    void mutatingCallsAreAuditedWithTheKeysName() throws Exception {
        HttpResponse<String> created = send("POST", "/api/scans", "ci-key-0123456789abcdef");
        assertThat(created.statusCode()).isEqualTo(202);
        String scanId = tools.jackson.databind.json.JsonMapper.builder().build().readTree(created.body()).get("scan_id").asString();
        assertThat(send("GET", "/api/scans/" + scanId, "ci-key-0123456789abcdef").body()).as("who asked for it")
                .contains("\"created_by\":\"ci\"");
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

    private HttpResponse<String> sendBody(String method, String path, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .header("X-API-Key", key).method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
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
