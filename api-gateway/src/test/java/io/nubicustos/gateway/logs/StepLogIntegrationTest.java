package io.nubicustos.gateway.logs;

import io.nubicustos.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A step's whole log as the worker keeps it: served as text, followed live as server-sent events until the step's
 * container has exited and the saved log (which replaces the live copy) is read to its end.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.logs.follow-interval=50ms"})
@RealInfrastructure
class StepLogIntegrationTest {

    @TempDir
    static Path reports;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("nubicustos.reports.path", () -> reports.toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRunningStepsLogIsFollowedLiveUntilItsSavedLogIsReadToTheEnd() throws Exception {
        UUID scan = scan();
        UUID step = step(scan, "prowler", "running");
        Path log = Files.createDirectories(reports.resolve(scan.toString()).resolve(".logs")).resolve("prowler.log");
        Files.writeString(log, "stand-in prowler started\n[stderr] scanning us-east-1\n");

        List<String> events = new CopyOnWriteArrayList<>();
        HttpRequest follow = HttpRequest.newBuilder(URI.create(base() + "/api/scans/" + scan + "/steps/prowler/logs?follow=true")).build();
        var stream = http.sendAsync(follow, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().filter(line -> !line.isEmpty()).forEach(events::add));

        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("data:[stderr] scanning us-east-1"));
        Files.writeString(log, "scanning eu-west-1 (partial", StandardOpenOption.APPEND);
        Files.writeString(log, " line finished)\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("data:scanning eu-west-1 (partial line finished)"));
        assertThat(stream).as("still following while the step runs").isNotDone();

        // the worker saves the whole log (the same lines and the rest) in place of the live copy, then moves the step on
        Path saved = log.resolveSibling(".prowler-1.part");
        Files.writeString(saved, "stand-in prowler started\n[stderr] scanning us-east-1\nscanning eu-west-1 (partial line finished)\n"
                + "stand-in prowler exiting with 3\n");
        Files.move(saved, log, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        jdbc.sql("update scan_steps set status = 'reporting' where id = :id").param("id", step).update();

        stream.get(10, TimeUnit.SECONDS);
        assertThat(events.stream().filter(e -> e.startsWith("data:")).toList()).containsExactly("data:stand-in prowler started",
                "data:[stderr] scanning us-east-1", "data:scanning eu-west-1 (partial line finished)", "data:stand-in prowler exiting with 3",
                "data:{\"status\":\"reporting\"}");
        assertThat(events).contains("event:end");

        HttpResponse<String> whole = get("/api/scans/" + scan + "/steps/prowler/logs");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(whole.headers().firstValue("X-Step-Status")).hasValue("reporting");
        assertThat(whole.body()).isEqualTo(Files.readString(log));
    }

    @Test
    void aFinishedStepsFollowerGetsTheWholeLogAndTheEndAtOnce() throws Exception {
        UUID scan = scan();
        step(scan, "scoutsuite", "failed");
        Files.writeString(Files.createDirectories(reports.resolve(scan.toString()).resolve(".logs")).resolve("scoutsuite.log"),
                "one\ntwo without a line end");
        HttpResponse<String> followed = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/scans/" + scan + "/steps/scoutsuite/logs"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(followed.body().lines().filter(l -> l.startsWith("data:")).toList())
                .containsExactly("data:one", "data:two without a line end", "data:{\"status\":\"failed\"}");
    }

    @Test
    void whatIsNotAStepsLogIsNotServed() throws Exception {
        UUID scan = scan();
        step(scan, "prowler", "queued");
        step(scan, "cloudfox", "succeeded");
        Path logs = Files.createDirectories(reports.resolve(scan.toString()).resolve(".logs"));
        Path secret = Files.writeString(reports.resolve("outside.txt"), "not a log");
        Files.createSymbolicLink(logs.resolve("cloudfox.log"), secret);

        assertThat(get("/api/scans/" + scan + "/steps/prowler/logs").body()).contains("log_not_found").contains("it has not started");
        HttpResponse<String> link = get("/api/scans/" + scan + "/steps/cloudfox/logs");
        assertThat(link.statusCode()).as("a link is never followed").isEqualTo(404);
        assertThat(link.body()).doesNotContain("not a log");
        assertThat(get("/api/scans/" + scan + "/steps/kubescape/logs").body()).contains("step_not_found");
        assertThat(get("/api/scans/" + scan + "/steps/..%2F..%2Foutside.txt/logs").statusCode()).isIn(400, 404);
        assertThat(get("/api/scans/" + scan + "/steps/../../outside.txt/logs").statusCode()).isIn(400, 404);
        assertThat(get("/api/scans/" + UUID.randomUUID() + "/steps/prowler/logs").body()).contains("scan_not_found");
        assertThat(get("/api/scans/not-a-scan/steps/prowler/logs").statusCode()).isEqualTo(400);
    }

    private String base() {
        return "http://localhost:" + port;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private UUID scan() {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into scans (id, profile, aws_profile, status, source, created_at) values (:id, 'quick', 'default', 'running', 'rest', now())")
                .param("id", id).update();
        return id;
    }

    private UUID step(UUID scan, String tool, String status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at)
                values (:id, :scan, :tool, 0, :status, '{}'::jsonb, now())
                """).param("id", id).param("scan", scan).param("tool", tool).param("status", status).update();
        return id;
    }
}
