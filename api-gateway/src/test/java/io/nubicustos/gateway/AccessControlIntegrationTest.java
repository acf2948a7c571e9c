package io.nubicustos.gateway;

import io.nubicustos.testsupport.RawHttp;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deny by default, checked on the path as the router sees it: every route of every controller, in
 * every other spelling that might still reach it (percent-encoding, {@code ;} parameters, repeated
 * slashes, dot segments, letter case, backslashes, health-prefixed traversal), is refused without a
 * key. Also: the specification's {@code API_KEY}, and request bodies capped with 413.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "API_KEY=spec-key-0123456789abcdef", "nubicustos.api.keys=ops:ops-key-0123456789abcdef",
        "nubicustos.api.max-body-size=64KB"})
@RealInfrastructure
class AccessControlIntegrationTest {

    static final String KEY = "ops-key-0123456789abcdef";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path aws = TestDirectories.create("aws");
        Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", aws::toString);
        registry.add("nubicustos.archives.path", () -> aws.resolveSibling(aws.getFileName() + "-archives").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    JdbcClient jdbc;

    /** Every route the router knows, with its path variables filled in. */
    private List<String[]> routes() {
        List<String[]> routes = new ArrayList<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                String path = pattern.replace("{id}", UUID.randomUUID().toString()).replace("{name}", "a.zip")
                        .replaceAll("\\{[^}]+}", "x");
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    routes.add(new String[] {method.name(), path});
                }
            }
        }
        return routes;
    }

    /** Spellings of {@code path} a router may still map to the same controller. */
    static Set<String> spellings(String path) {
        Set<String> forms = new LinkedHashSet<>();
        String rest = path.substring(1);
        String first = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String tail = rest.substring(first.length());
        forms.add(path);
        forms.add(path + "/");
        forms.add("/%" + Integer.toHexString(first.charAt(0)) + first.substring(1) + tail);
        forms.add("/" + first.charAt(0) + "%" + Integer.toHexString(first.charAt(1)).toUpperCase() + first.substring(2) + tail);
        forms.add("/" + first + ";x=1" + tail);
        forms.add("/" + first + ";" + tail);
        forms.add(path + ";jsessionid=0");
        forms.add("/" + path);
        forms.add("//" + first + "//" + (tail.isEmpty() ? "" : tail.substring(1)));
        forms.add("/./" + rest);
        forms.add("/x/../" + rest);
        forms.add("/" + first + "/./" + (tail.isEmpty() ? "" : tail.substring(1)));
        forms.add("/" + first.toUpperCase() + tail);
        forms.add(path.toUpperCase());
        forms.add("/" + Character.toUpperCase(first.charAt(0)) + first.substring(1) + tail);
        forms.add(path.replace('/', '\\'));
        forms.add("/" + first + "%2F" + (tail.isEmpty() ? "" : tail.substring(1)));
        forms.add("/actuator/health/../.." + path);
        forms.add("/actuator/health/..;/..;" + path);
        forms.add("/actuator/health;/../.." + path);
        forms.add("/actuator/health/%2E%2E/%2E%2E" + path);
        forms.add("/actuator/health%2F..%2F.." + path.replace("/", "%2F"));
        forms.add("/actuator/prometheus/../.." + path);
        return forms;
    }

    @Test
    void noSpellingOfAnyRouteGetsInWithoutAKey() {
        List<String[]> routes = routes();
        assertThat(routes).as("routes of every controller").hasSizeGreaterThan(15);
        List<String> admitted = new ArrayList<>();
        int reachableWithKey = 0;
        int client = 0;
        for (String[] route : routes) {
            // why: one client address per route keeps each under the throttle for callers without a key
            client++;
            String from = "127.0." + (1 + client / 250) + "." + (1 + client % 250);
            for (String form : spellings(route[1])) {
                RawHttp.Response anonymous = RawHttp.sendFrom(from, port, route[0], form, Map.of("Content-Type", "application/json"),
                        route[0].equals("GET") ? null : "{}".getBytes(StandardCharsets.UTF_8));
                // 400 is the servlet container refusing the URL before any filter or controller sees it
                if (anonymous.status() != 401 && anonymous.status() != 400) {
                    admitted.add(route[0] + " " + form + " -> " + anonymous.status());
                }
                RawHttp.Response withKey = RawHttp.send(port, route[0], form, Map.of("Content-Type", "application/json", "X-API-Key", KEY),
                        route[0].equals("GET") ? null : "{}".getBytes(StandardCharsets.UTF_8));
                if (withKey.status() != 404 && withKey.status() != 400 && withKey.status() != 401 && !form.equals(route[1])) {
                    reachableWithKey++;
                }
            }
        }
        assertThat(admitted).as("spellings answered without a key").isEmpty();
        assertThat(reachableWithKey).as("other spellings that really reach a controller (so the check above means something)")
                .isGreaterThan(0);
    }

    @Test
    void healthStaysOpenAndItsPathCannotBeUsedToReachAnythingElse() {
        assertThat(RawHttp.get(port, "/actuator/health/liveness", Map.of()).status()).isEqualTo(200);
        assertThat(RawHttp.get(port, "/actuator/health", Map.of()).status()).isEqualTo(200);
        // why: metrics name every profile with its counts; without a key they are scraped on a separate management port only
        assertThat(RawHttp.get(port, "/actuator/prometheus", Map.of()).status()).isEqualTo(401);
        assertThat(RawHttp.get(port, "/actuator/health/../../api/scans", Map.of()).status()).isIn(400, 401);
        assertThat(RawHttp.get(port, "/actuator/info", Map.of()).status()).isEqualTo(401);
        assertThat(RawHttp.get(port, "/", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void theSpecificationsApiKeyVariableIsAKeyNamedApiKey() {
        RawHttp.Response response = RawHttp.send(port, "POST", "/api/scans",
                Map.of("Content-Type", "application/json", "X-API-Key", "spec-key-0123456789abcdef"),
                "{\"profile\": \"quick\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(202);
        // audit rows are written in batches, within moments
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jdbc.sql(
                "select actor from audit_log where method = 'POST' and status = 202 order by id desc limit 1")
                .query(String.class).optional()).contains("api-key"));
        assertThat(RawHttp.get(port, "/api/scans", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void aBodyOverTheCapIs413BeforeItIsReadWhole() {
        byte[] big = ("{\"scan_ids\": [" + "\"00000000-0000-0000-0000-000000000000\",".repeat(3000) + "\"x\"]}")
                .getBytes(StandardCharsets.UTF_8);

        RawHttp.Response declared = RawHttp.send(port, "POST", "/api/scans/bulk/archive",
                Map.of("Content-Type", "application/json", "X-API-Key", KEY), big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.body()).contains("payload_too_large");

        // chunked: no length declared, so the cap is enforced while reading
        ByteArrayChunks chunked = new ByteArrayChunks(big);
        RawHttp.Response streamed = RawHttp.send(port, "POST", "/api/scans", Map.of("Content-Type", "application/json",
                "X-API-Key", KEY, "Transfer-Encoding", "chunked"), chunked.encoded());
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(streamed.body()).contains("payload_too_large");
    }

    @Test
    void aCallerWithoutAKeyIsRefusedBeforeAnyOfItsBodyIsRead() {
        // 50 MB of form data announced and never sent: a server that read bodies before checking keys would wait for it
        for (String method : List.of("DELETE", "PUT", "PATCH", "POST")) {
            RawHttp.Response declared = RawHttp.sendHeadFirst(port, method, "/api/scans/bulk", Map.of(
                    "Content-Type", "application/x-www-form-urlencoded", "Content-Length", "52428800"), "a=".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(5));
            assertThat(declared.status()).as(method).isEqualTo(401);
            RawHttp.Response chunked = RawHttp.sendHeadFirst(port, method, "/api/scans", Map.of(
                    "Content-Type", "application/x-www-form-urlencoded", "Transfer-Encoding", "chunked"),
                    "1000\r\na=".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
            assertThat(chunked.status()).as(method + " chunked").isEqualTo(401);
        }
    }

    @Test
    void callersWithoutAKeyAreThrottledPerAddressAndDeniedCallsAreAudited() {
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            RawHttp.Response r = RawHttp.sendFrom("127.0.0.2", port, "GET", "/api/scans", Map.of("X-API-Key", "guess-" + i), null);
            assertThat(r.status()).isIn(401, 429);
            if (r.status() == 429) {
                throttled++;
                assertThat(r.headers()).containsKey("retry-after");
            }
        }
        assertThat(throttled).as("the 31st and later guesses from one address").isGreaterThanOrEqualTo(8);
        // another address is not held back by the first one's guesses, and a valid key is never throttled by them
        assertThat(RawHttp.sendFrom("127.0.0.3", port, "GET", "/api/scans", Map.of(), null).status()).isEqualTo(401);
        assertThat(RawHttp.sendFrom("127.0.0.2", port, "GET", "/api/scans", Map.of("X-API-Key", KEY), null).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jdbc.sql(
                "select count(*) from audit_log where remote = '127.0.0.2' and status = 401 and actor = 'unauthenticated'")
                .query(Long.class).single()).isBetween(30L, 32L));
    }

    @Test
    void bulkBodiesAndDownloadsAreAudited() {
        String scanId = json(RawHttp.send(port, "POST", "/api/scans", Map.of("Content-Type", "application/json", "X-API-Key", KEY),
                "{\"profile\": \"quick\"}".getBytes(StandardCharsets.UTF_8)).body(), "scan_id");
        String missing = UUID.randomUUID().toString();

        RawHttp.Response archived = RawHttp.send(port, "POST", "/api/scans/bulk/archive", Map.of("Content-Type", "application/json",
                "X-API-Key", KEY), ("{\"scan_ids\": [\"" + scanId + "\"], \"name\": \"audit.zip\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(archived.status()).isEqualTo(201);
        assertThat(RawHttp.get(port, "/api/scans/archives/audit.zip", Map.of("X-API-Key", KEY)).status()).isEqualTo(200);
        assertThat(RawHttp.get(port, "/api/scans/" + scanId + "/findings/export?format=csv", Map.of("X-API-Key", KEY)).status())
                .isEqualTo(200);
        RawHttp.Response deleted = RawHttp.send(port, "DELETE", "/api/scans/bulk", Map.of("Content-Type", "application/json",
                "X-API-Key", KEY), ("{\"scan_ids\": [\"" + scanId + "\", \"" + missing + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(deleted.status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<Map<String, Object>> audit = jdbc.sql("select actor, method, path, status, detail::text as detail from audit_log"
                    + " where detail is not null order by id").query().listOfRows();
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("method", "POST").containsEntry("actor", "ops")
                    .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("archived", scanId, "audit.zip")));
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("method", "GET").containsEntry("status", 200)
                    .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("downloaded_archive", "audit.zip")));
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("method", "GET")
                    .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("exported_scan", scanId, "csv")));
            assertThat(audit).anySatisfy(row -> assertThat(row).containsEntry("method", "DELETE").containsEntry("path", "/api/scans/bulk")
                    .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("\"deleted\": [\"" + scanId + "\"]", missing)));
        });
    }

    private static String json(String body, String field) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body).get(field).asString();
    }

    /** A body in HTTP/1.1 chunked encoding. */
    record ByteArrayChunks(byte[] body) {
        byte[] encoded() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int off = 0; off < body.length; off += 4096) {
                int len = Math.min(4096, body.length - off);
                out.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, off, len);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return out.toByteArray();
        }
    }
}
