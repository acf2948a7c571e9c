package io.nubicustos.gateway.credentials;

import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** No credentials file, and ambient credentials not allowed (the default): an AWS scan is refused, saying how to allow it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway"})
@RealInfrastructure
class AmbientCredentialsRefusedIntegrationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        var empty = TestDirectories.create("no-aws-credentials");
        registry.add("nubicustos.credentials.aws-path", empty::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anApiWithoutCredentialsTakesTheProfileNamesLiveWorkersPublishAndNeverAKey() throws Exception {
        // why: in the compose stack only the worker mounts the keys; its heartbeat row carries the names alone
        jdbc.sql("""
                insert into workers (id, slots, slots_in_use, healthy, started_at, last_heartbeat, heartbeat_interval_ms, aws_profiles)
                values ('names-worker', 1, 0, true, now(), clock_timestamp(), 60000, '["audit-account"]'::jsonb),
                       ('dead-worker', 1, 0, true, now(), clock_timestamp() - interval '1 hour', 1000, '["gone-account"]'::jsonb)
                """).update();
        try {
            assertThat(submit("{\"profile\": \"quick\", \"aws_profile\": \"audit-account\", \"dry_run\": true}").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> gone = submit("{\"profile\": \"quick\", \"aws_profile\": \"gone-account\", \"dry_run\": true}");
            assertThat(gone.statusCode()).as("a dead worker's names are not offered").isEqualTo(422);
            assertThat(gone.body()).contains("available: audit-account");
        } finally {
            jdbc.sql("delete from workers where id in ('names-worker', 'dead-worker')").update();
        }
    }

    private HttpResponse<String> submit(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/scans"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAFileAndWithoutAmbientCredentialsAnAwsScanIsRefusedSayingHowToAllowIt() throws Exception {
        for (String body : new String[] {"{\"profile\": \"quick\"}", "{\"profile\": \"quick\", \"dry_run\": true}"}) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/scans"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
            JsonNode error = JsonMapper.builder().build().readTree(response.body());
            assertThat(error.get("error").asString()).isEqualTo("unknown_aws_profile");
            assertThat(error.get("message").asString()).contains("there is no AWS profile in the profiles live workers publish")
                    .contains("nubicustos.credentials.allow-ambient=true");
        }
    }
}
