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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancel, bulk delete, archives and a fuzz of malformed requests, against a real PostgreSQL and KRaft broker. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spring.config.name=api-gateway")
@RealInfrastructure
class GatewayOperationsIntegrationTest {

    static Path data;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        data = TestDirectories.create("gateway-ops");
        Files.createDirectories(data.resolve("aws"));
        Files.writeString(data.resolve("aws/credentials"), "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n");
        registry.add("nubicustos.credentials.aws-path", () -> data.resolve("aws").toString());
        registry.add("nubicustos.reports.path", () -> data.resolve("reports").toString());
        registry.add("nubicustos.archives.path", () -> data.resolve("archives").toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void cancellingAQueuedScanCancelsItsStepsOnceAndNeverFlipsBack() throws Exception {
        String scanId = submit();

        HttpResponse<String> cancelled = send("POST", "/api/scans/" + scanId + "/cancel", null);
        assertThat(cancelled.statusCode()).isEqualTo(202);
        assertThat(json.readTree(cancelled.body()).get("changed").asBoolean()).isTrue();
        assertThat(status(scanId)).isEqualTo("cancelled");
        assertThat(jdbc.sql("select distinct status from scan_steps where scan_id = :id").param("id", UUID.fromString(scanId))
                .query(String.class).list()).containsExactly("cancelled");

        HttpResponse<String> again = send("DELETE", "/api/scans/" + scanId, null);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(json.readTree(again.body()).get("changed").asBoolean()).isFalse();

        jdbc.sql("update scans set status = 'completed' where id = :id").param("id", UUID.fromString(scanId)).update();
        String finished = submit();
        jdbc.sql("update scans set status = 'completed' where id = :id").param("id", UUID.fromString(finished)).update();
        HttpResponse<String> conflict = send("POST", "/api/scans/" + finished + "/cancel", null);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(json.readTree(conflict.body()).get("error").asString()).isEqualTo("scan_finished");
        assertThat(send("POST", "/api/scans/" + UUID.randomUUID() + "/cancel", null).statusCode()).isEqualTo(404);
    }

    @Test
    void bulkDeleteRemovesScansAndCancelsRunningOnesFirst() throws Exception {
        String a = submit();
        String b = submit();
        Files.createDirectories(data.resolve("reports").resolve(a).resolve("prowler"));
        String unknown = UUID.randomUUID().toString();

        HttpResponse<String> response = send("DELETE", "/api/scans/bulk", "{\"scan_ids\": [\"" + a + "\", \"" + b + "\", \"" + unknown + "\"]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("deleted")).hasSize(2);
        assertThat(body.at("/not_found/0").asString()).isEqualTo(unknown);
        assertThat(send("GET", "/api/scans/" + a, null).statusCode()).isEqualTo(404);
        assertThat(data.resolve("reports").resolve(a)).doesNotExist();
    }

    @Test
    void archivesAreZipsOfScansThatCanBeListedDownloadedAndDeleted() throws Exception {
        String scanId = submit();
        Path report = Files.createDirectories(data.resolve("reports").resolve(scanId).resolve("prowler"));
        Files.writeString(report.resolve("prowler-output.ocsf.json"), "[]");
        // reports are archived once their tool's container has exited
        jdbc.sql("update scan_steps set status = 'succeeded' where scan_id = cast(:id as uuid)").param("id", scanId).update();

        HttpResponse<String> created = send("POST", "/api/scans/bulk/archive", "{\"scan_ids\": [\"" + scanId + "\"], \"name\": \"audit-q3.zip\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json.readTree(created.body()).get("download_url").asString()).isEqualTo("/api/scans/archives/audit-q3.zip");
        assertThat(json.readTree(send("GET", "/api/scans/archives", null).body()).at("/archives/0/name").asString()).isEqualTo("audit-q3.zip");

        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(uri("/api/scans/archives/audit-q3.zip")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.headers().firstValue("Content-Type")).contains("application/zip");
        List<String> entries = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(download.body()))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.add(entry.getName());
            }
        }
        assertThat(entries).containsExactly(scanId + "/scan.json", scanId + "/findings.json", scanId + "/reports/prowler/prowler-output.ocsf.json");

        assertThat(send("DELETE", "/api/scans/archives/audit-q3.zip", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/scans/archives/audit-q3.zip", null).statusCode()).isEqualTo(404);
    }

    @Test
    void whatAToolLeftInItsReportDirectoryCannotEscapeAnArchiveNorReachOutsideIt() throws Exception {
        String scanId = submit();
        jdbc.sql("update scan_steps set tool = 'cloudmapper', status = 'failed' where scan_id = cast(:id as uuid)").param("id", scanId).update();
        Path report = Files.createDirectories(data.resolve("reports").resolve(scanId).resolve("cloudmapper"));
        Files.writeString(report.resolve("..\\..\\evil.txt"), "x");
        Files.writeString(report.resolve("a\\b.txt"), "x");
        Files.writeString(report.resolve("rapport été.txt"), "x");
        Path outside = Files.writeString(Files.createTempFile("outside", ".txt"), "host secret");
        Files.createSymbolicLink(report.resolve("link.txt"), outside);
        assertThat(new ProcessBuilder("mkfifo", report.resolve("pipe.jsonl").toString()).start().waitFor()).isZero();

        HttpResponse<String> created = send("POST", "/api/scans/bulk/archive", "{\"scan_ids\": [\"" + scanId + "\"], \"name\": \"hostile.zip\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        List<String> entries = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(data.resolve("archives/hostile.zip")))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.add(entry.getName());
                contents.add(new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).allSatisfy(name -> {
            assertThat(name).startsWith(scanId + "/").doesNotContain("\\");
            assertThat(List.of(name.split("/"))).doesNotContain("..", ".");
        });
        assertThat(entries).contains(scanId + "/reports/cloudmapper/..%5C..%5Cevil.txt", scanId + "/reports/cloudmapper/a%5Cb.txt",
                scanId + "/reports/cloudmapper/rapport%20%C3%A9t%C3%A9.txt");
        assertThat(entries).noneMatch(name -> name.endsWith("link.txt") || name.endsWith("pipe.jsonl"));
        assertThat(contents).noneMatch(text -> text.contains("host secret"));

        HttpResponse<String> deleted = send("DELETE", "/api/scans/bulk", "{\"scan_ids\": [\"" + scanId + "\"]}");
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(data.resolve("reports").resolve(scanId)).doesNotExist();
        assertThat(outside).hasContent("host secret");
    }

    @Test
    void archiveNamesCanNeverLeaveTheArchivesDirectory() throws Exception {
        String scanId = submit();
        for (String name : List.of("../escape.zip", "/etc/cron.d/x.zip", "..", "a/../../b.zip", "x.zip/../../y.zip", ".hidden.zip", "evil.sh")) {
            HttpResponse<String> response = send("POST", "/api/scans/bulk/archive",
                    "{\"scan_ids\": [\"" + scanId + "\"], \"name\": " + json.writeValueAsString(name) + "}");
            assertThat(response.statusCode()).as(name).isEqualTo(400);
        }
        for (String path : List.of("/api/scans/archives/..%2F..%2Fetc%2Fpasswd", "/api/scans/archives/%2e%2e", "/api/scans/archives/..",
                "/api/scans/archives/passwd")) {
            assertThat(send("GET", path, null).statusCode()).as(path).isBetween(400, 404);
            assertThat(send("DELETE", path, null).statusCode()).as(path).isBetween(400, 404);
        }
        assertThat(data.getParent().resolve("escape.zip")).doesNotExist();
    }

    @Test
    void aFuzzOfMalformedRequestsGetsNo5xx() throws Exception {
        Random random = new Random(42);
        List<String> bodies = new ArrayList<>(List.of("", "{", "}", "[]", "null", "\"quick\"", "{\"profile\":}", "{\"profile\": null}",
                "{\"profile\": [\"quick\"]}", "{\"profile\": {\"a\": 1}}", "{\"profile\": \"quick\", \"limits\": []}",
                "{\"profile\": \"quick\", \"limits\": {\"memory\": \"lots\"}}", "{\"profile\": \"quick\", \"limits\": {\"cpus\": \"two\"}}",
                "{\"profile\": \"quick\", \"limits\": {\"swap\": \"1g\"}}", "{\"profile\": \"quick\", \"max_parallel\": 0}",
                "{\"profile\": \"quick\", \"max_parallel\": 1.5}", "{\"profile\": \"quick\", \"severity_filter\": [1]}",
                "{\"profile\": \"quick\", \"aws_profile\": \"" + "a".repeat(5000) + "\"}", "{\"scan_ids\": \"x\"}",
                "{\"profile\": \"\\u0000\"}", "[" .repeat(2000), "{\"profile\": \"quick\"}{\"profile\": \"quick\"}"));
        String alphabet = "{}[]\":,\\ abcqu0123456789-.eE+ntrfl\u00e9\u0000";
        while (bodies.size() < 150) {
            StringBuilder body = new StringBuilder();
            for (int i = random.nextInt(60); i > 0; i--) {
                body.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            bodies.add(body.toString());
        }
        List<String[]> requests = new ArrayList<>();
        for (String body : bodies) {
            requests.add(new String[] {"POST", "/api/scans", body});
        }
        for (String body : bodies.subList(0, 30)) {
            requests.add(new String[] {"DELETE", "/api/scans/bulk", body});
            requests.add(new String[] {"POST", "/api/scans/bulk/archive", body});
        }
        for (String path : List.of("/api/scans/%00", "/api/scans/" + "9".repeat(300), "/api/scans?page=-1", "/api/scans?size=abc",
                "/api/scans?page=99999999999", "/api/scans/" + UUID.randomUUID() + "/findings?severity=%27%3B--",
                "/api/scans/" + UUID.randomUUID() + "/diff?against=nope", "/api/findings?fingerprint=../../x", "/api/findings",
                "/api/scans/" + UUID.randomUUID() + "/findings/export?format=exe", "/api/scans/archives/%252e%252e%252f",
                "/api/scans/x/cancel", "/api/scans/profiles/list?x=%ff", "/api/%c0%ae%c0%ae/", "/api/scans/" + UUID.randomUUID() + "/errors",
                "/api/scans?status=%00", "/api/scans/" + UUID.randomUUID() + "/findings?size=0", "/api/scans/bulk", "/api/scans/bulk/archive",
                "/api/scans/archives/x.zip")) {
            requests.add(new String[] {"GET", path, null});
        }
        assertThat(requests.size()).isGreaterThanOrEqualTo(200);
        for (String[] request : requests) {
            HttpResponse<String> response = send(request[0], request[1], request[2]);
            assertThat(response.statusCode()).as(request[0] + " " + request[1] + " " + request[2] + " -> " + response.body()).isLessThan(500);
        }
    }

    private String submit() throws Exception {
        HttpResponse<String> response = send("POST", "/api/scans", "{\"profile\": \"quick\"}");
        assertThat(response.statusCode()).isEqualTo(202);
        return json.readTree(response.body()).get("scan_id").asString();
    }

    private String status(String scanId) throws Exception {
        return json.readTree(send("GET", "/api/scans/" + scanId + "/status", null).body()).get("status").asString();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
