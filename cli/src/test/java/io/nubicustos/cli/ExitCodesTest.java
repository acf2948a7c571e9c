package io.nubicustos.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the command answers for each way an API can fail it, against a fake API on loopback (a JDK HTTP server that
 * answers what each test sets: pure client logic; the real API is in infra/standalone's CommandLineEndToEndTest).
 */
class ExitCodesTest {

    private HttpServer server;
    private volatile int status = 200;
    private volatile String body = "{}";
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String seenKey;
    private final AtomicInteger getsToFail = new AtomicInteger();
    private volatile int getStatus;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            seenKey = exchange.getRequestHeaders().getFirst("X-API-Key");
            boolean fail = exchange.getRequestMethod().equals("GET") && getsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            byte[] bytes = (fail ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            int answer = fail ? 502 : exchange.getRequestMethod().equals("GET") && getStatus > 0 ? getStatus : status;
            exchange.sendResponseHeaders(answer, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aRefusedKeyAnErrorOfTheApiAndAnAnswerThatIsNotJsonAreFour() {
        status = 401;
        body = "{\"detail\": \"a valid X-API-Key is required\"}";
        Result refused = run("status", "00000000-0000-4000-8000-000000000000");
        assertThat(refused.code()).isEqualTo(4);
        assertThat(refused.err()).contains("refused the key (401): a valid X-API-Key is required");
        assertThat(seenKey).as("from NUBICUSTOS_API_KEY").isEqualTo("the-key");
        status = 200;
        body = "{\"scan_id\": \"00000000-0000-4000-8000-000000000000\"}";
        getStatus = 403;
        requests.set(0);
        Result waiting = run("scan", "--profile", "quick", "--wait", "--timeout", "PT30S", "--poll", "PT0.1S");
        assertThat(waiting.code()).as("a key refused during a wait is not retried").isEqualTo(4);
        assertThat(requests.get()).as("the submission and one poll").isEqualTo(2);
        getStatus = 0;
        status = 401;

        status = 503;
        assertThat(run("status", "00000000-0000-4000-8000-000000000000").code()).isEqualTo(4);

        status = 200;
        body = "<html>a proxy's login page</html>";
        Result html = run("status", "00000000-0000-4000-8000-000000000000");
        assertThat(html.code()).as("never 1, which means findings").isEqualTo(4);
        assertThat(html.err()).contains("not the JSON it promises");
    }

    @Test
    void aRequestTheApiRefusesAsInvalidIsAUsageError() {
        status = 404;
        body = "{\"detail\": \"no scan with id 00000000-0000-4000-8000-000000000000\"}";
        Result missing = run("status", "00000000-0000-4000-8000-000000000000");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("(404): no scan with id");
    }

    @Test
    void aSettledScanIsJudgedByTheThreshold() {
        body = "{\"status\": \"completed\", \"terminal\": true, \"findings\": {\"critical\": 0, \"high\": 2, \"medium\": 5}}";
        assertThat(run("status", "00000000-0000-4000-8000-000000000000", "--fail-on", "critical").code()).isZero();
        assertThat(run("status", "00000000-0000-4000-8000-000000000000", "--fail-on", "high").code()).isEqualTo(1);
        assertThat(run("status", "00000000-0000-4000-8000-000000000000", "--fail-on", "none").code()).isZero();
        body = "{\"status\": \"cancelled\", \"terminal\": true, \"findings\": {}}";
        assertThat(run("status", "00000000-0000-4000-8000-000000000000", "--fail-on", "critical").code()).isEqualTo(3);
    }

    @Test
    void aWaitRetriesAnApiThatIsBrieflyDownUntilItsDeadline() {
        status = 502;
        body = "{}";
        Result gaveUp = run("campaign", "status", "00000000-0000-4000-8000-000000000000");
        assertThat(gaveUp.code()).as("no wait: at once").isEqualTo(4);

        status = 200;
        body = "{\"scan_id\": \"00000000-0000-4000-8000-000000000000\", \"status\": \"completed\", \"terminal\": true, \"findings\": {}}";
        getsToFail.set(3);
        requests.set(0);
        Result waited = run("scan", "--profile", "quick", "--wait", "--poll", "PT0.1S", "--fail-on", "none");
        assertThat(waited.code()).as(waited.err()).isZero();
        assertThat(waited.err()).contains("retrying");
        assertThat(requests.get()).as("the submission, three failed polls, the one that answered").isEqualTo(5);

        getsToFail.set(1_000_000);
        Result deadline = run("scan", "--profile", "quick", "--wait", "--timeout", "PT1S", "--poll", "PT0.2S");
        assertThat(deadline.code()).as("down past the deadline").isEqualTo(4);
    }

    @Test
    void aReportIsWrittenWholeOrNotAtAllAndAFileThatCannotBeWrittenIsTheCallersToFix(@TempDir Path dir) throws IOException {
        Path sarif = dir.resolve("out.sarif");
        Files.writeString(sarif, "x".repeat(10_000));
        body = "{\"scan_id\": \"00000000-0000-4000-8000-000000000000\", \"status\": \"completed\", \"terminal\": true, \"findings\": {},"
                + " \"version\": \"2.1.0\", \"findings_list\": []}";
        Result written = run("scan", "--profile", "quick", "--wait", "--poll", "PT0.1S", "--fail-on", "none", "--sarif", sarif.toString());
        assertThat(written.code()).isZero();
        assertThat(Files.readString(sarif)).as("replaced, not overwritten in place").isEqualTo(body);

        Result nowhere = run("scan", "--profile", "quick", "--wait", "--poll", "PT0.1S", "--sarif", dir.resolve("no/such/dir/out.sarif").toString());
        assertThat(nowhere.code()).isEqualTo(2);
        assertThat(nowhere.err()).contains("cannot write");
    }

    @Test
    void anAddressIsCheckedAndItsPasswordNeverShown() {
        Result bad = run("--url", "ftp://localhost", "status", "00000000-0000-4000-8000-000000000000");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(Nubicustos.run(new String[] {"--url", "HTTP://localhost:1//", "status", "00000000-0000-4000-8000-000000000000"},
                Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))).as("an upper-case scheme is an address; port 1 refuses")
                .isEqualTo(4);
        for (String url : new String[] {"http://user:s3cret@localhost:1", "http://user:s3cret@nubicustos_api:8000"}) {
            StringWriter err = new StringWriter();
            int code = Nubicustos.run(new String[] {"--url", url, "status", "00000000-0000-4000-8000-000000000000"},
                    Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertThat(code).as("a user and password in the address are refused: the key has its own variable").isEqualTo(2);
            assertThat(err.toString()).doesNotContain("s3cret");
        }
    }

    private record Result(int code, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Nubicustos.run(args, Map.of("NUBICUSTOS_URL", "http://localhost:" + server.getAddress().getPort(),
                "NUBICUSTOS_API_KEY", "the-key"), new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }
}
