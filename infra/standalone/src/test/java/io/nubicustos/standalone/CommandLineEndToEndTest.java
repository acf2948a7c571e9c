package io.nubicustos.standalone;

import io.nubicustos.cli.Nubicustos;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code nubicustos} command against the running standalone system: the README walkthrough's scan as a pipeline
 * runs it (the packaged jar, NUBICUSTOS_URL from the environment), and every exit code of the threshold.
 */
class CommandLineEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Map<String, String> environment;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        environment = Map.of("NUBICUSTOS_URL", "http://localhost:" + RunningSystem.get().apiPort());
    }

    @Test
    void thePackagedJarRunsTheWalkthroughScanAndFailsOnItsCriticalFindings() throws Exception {
        // Prowler 3.3's real ASFF report: three critical failures among 286
        StandInImage.forTool("prowler").writes("prowler-output-123456789012.asff.json", Samples.file("prowler/prowler330_output.asff.json"))
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        Path dir = Files.createTempDirectory("cli");
        Path jar = Path.of("../../cli/target/nubicustos-cli-exec.jar").toAbsolutePath().normalize();
        assertThat(jar).as("mvn package builds the runnable jar").isRegularFile();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "scan", "--profile", "quick", "--aws-profile", "cli-account", "--wait", "--fail-on", "critical",
                "--sarif", dir.resolve("out.sarif").toString(), "--junit", dir.resolve("out.xml").toString())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().putAll(environment);
        Process cli = builder.start();
        assertThat(cli.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(cli.exitValue()).as(Files.readString(dir.resolve("stderr"))).isEqualTo(1);

        String scanId = Files.readString(dir.resolve("stdout")).strip();
        JsonNode status = RunningSystem.api().getJson("/api/scans/" + scanId + "/status");
        int critical = status.at("/findings/critical").asInt();
        assertThat(critical).isPositive();
        JsonNode sarif = JSON.readTree(dir.resolve("out.sarif").toFile());
        assertThat(sarif.get("version").asString()).isEqualTo("2.1.0");
        String junit = Files.readString(dir.resolve("out.xml"));
        int listedCritical = RunningSystem.api().getJson("/api/scans/" + scanId + "/findings?severity=critical&size=1").get("total").asInt();
        int listed = RunningSystem.api().getJson("/api/scans/" + scanId + "/findings?size=1").get("total").asInt();
        assertThat(sum(junit, "failures")).as("a JUnit failure per critical finding").isEqualTo(listedCritical);
        assertThat(sum(junit, "tests")).isEqualTo(listed);

        // the same settled scan, judged at other thresholds
        assertThat(run("status", scanId, "--fail-on", "critical").code()).isEqualTo(1);
        assertThat(run("status", scanId, "--fail-on", "none").code()).isEqualTo(0);
        assertThat(run("findings", scanId, "--severity", "critical").out().lines().count()).isEqualTo(listedCritical);
        assertThat(run("diff", scanId).code()).isZero();
    }

    @Test
    void exitCodesFollowTheThresholdTheScanAndTheApi() {
        // Prowler 4.2.1's real report: three failures, all muted by the tool, so nothing counts
        StandInTools.prowler421(0);
        assertThat(run("scan", "--profile", "quick", "--aws-profile", "cli-account", "--wait", "--fail-on", "info", "--poll", "PT0.5S").code())
                .as("nothing at or above info").isEqualTo(0);

        // a Prowler that exits with a code the catalog does not expect: the scan fails
        StandInImage.forTool("prowler").exitsWith(2).buildWith(StandInTools.DOCKER);
        Result failed = run("scan", "--profile", "quick", "--aws-profile", "cli-account", "--wait", "--poll", "PT0.5S");
        assertThat(failed.code()).as(failed.err()).isEqualTo(3);

        assertThat(run("scan", "--profile", "no-such-profile").code()).as("the API refuses the request").isEqualTo(2);
        assertThat(run("scan", "--profil", "quick").code()).as("picocli's usage error").isEqualTo(2);
        assertThat(run("scan", "--profile", "quick", "--fail-on", "severe").code()).isEqualTo(2);
        Result unreachable = run("--url", "http://localhost:1", "status", "00000000-0000-4000-8000-000000000000");
        assertThat(unreachable.code()).isEqualTo(4);
        assertThat(unreachable.err()).contains("cannot reach the Nubicustos API at http://localhost:1");
        assertThat(run("generate-completion").out()).contains("complete -F");
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Nubicustos.run(args, environment, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static int sum(String junit, String attribute) {
        List<Integer> values = new ArrayList<>();
        Matcher suite = Pattern.compile("<testsuite [^>]*" + attribute + "=\"(\\d+)\"").matcher(junit);
        while (suite.find()) {
            values.add(Integer.parseInt(suite.group(1)));
        }
        return values.stream().mapToInt(Integer::intValue).sum();
    }
}
