package io.nubicustos.gateway.security;

import io.nubicustos.testsupport.RealInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JWT from a real authorization server (Spring Authorization Server, started here on a port of its own) is accepted
 * with the roles of its {@code roles} claim: a pipeline's token scans but cannot triage, a token of another issuer or
 * a forged one gets 401, and the caller is recorded as {@code oidc:<sub>}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.api.keys=ops:ops-key-0123456789abcdef"})
@RealInfrastructure
class OidcIntegrationTest {

    static ConfigurableApplicationContext issuer;
    static String issuerUri;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        java.nio.file.Path aws = io.nubicustos.testsupport.TestDirectories.create("oidc-aws");
        java.nio.file.Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", aws::toString);
        issuer = new SpringApplicationBuilder(io.nubicustos.testissuer.TestIssuer.class).properties(Map.of(
                "spring.config.name", "oidc-test-issuer", "server.port", "0",
                "spring.security.oauth2.authorizationserver.client.pipeline.registration.client-id", "ci-pipeline",
                "spring.security.oauth2.authorizationserver.client.pipeline.registration.client-secret", "{noop}pipeline-secret",
                "spring.security.oauth2.authorizationserver.client.pipeline.registration.client-authentication-methods", "client_secret_basic",
                "spring.security.oauth2.authorizationserver.client.pipeline.registration.authorization-grant-types", "client_credentials",
                "spring.security.oauth2.authorizationserver.client.pipeline.registration.scopes", "api"))
                .run();
        issuerUri = "http://localhost:" + issuer.getEnvironment().getProperty("local.server.port");
        registry.add("nubicustos.oidc.issuer-uri", () -> issuerUri);
    }

    @AfterAll
    static void stopIssuer() {
        if (issuer != null) {
            issuer.close();
        }
    }

    // why: the issuer's own context, started in this JVM, also announces a local.server.port; the API's is its web server's
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext api;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aTokenOfTheIssuerIsAcceptedWithTheRolesItsClaimNames() throws Exception {
        String token = token();

        HttpResponse<String> scan = send("POST", "/api/scans", "{\"profile\": \"quick\"}", "Bearer " + token);
        assertThat(scan.statusCode()).as(scan.body()).isEqualTo(202);
        String scanId = JsonMapper.builder().build().readTree(scan.body()).get("scan_id").asString();
        assertThat(send("GET", "/api/scans/" + scanId, null, "Bearer " + token).body()).contains("\"created_by\":\"oidc:ci-pipeline\"");

        HttpResponse<String> triage = send("POST", "/api/triage", "{}", "Bearer " + token);
        assertThat(triage.statusCode()).isEqualTo(403);
        assertThat(triage.body()).contains("\"required_role\":\"triage\"");
    }

    @Test
    void aForgedOrAlteredTokenIsRefused() throws Exception {
        String token = token();
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"scan\"", "\"admin\"");
        String altered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";

        for (String bad : List.of(altered, unsigned, "not-a-jwt")) {
            assertThat(send("GET", "/api/webhooks", null, "Bearer " + bad).statusCode()).as(bad).isEqualTo(401);
        }
        assertThat(send("GET", "/api/scans", null, "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/webhooks", null, "Bearer " + token).statusCode()).as("scan is not admin").isEqualTo(403);
    }

    private String token() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuerUri + "/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ci-pipeline:pipeline-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=api")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body()).get("access_token").asString();
    }

    private HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + api.getWebServer().getPort() + path))
                .header("Content-Type", "application/json").header("Authorization", authorization);
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
