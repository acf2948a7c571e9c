package io.nubicustos.standalone;

import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile reports through the whole system: for each kind, a stand-in tool writes it (or plants it, or
 * prints it), a scan runs, and the scan settles with the reason in {@code /errors}: the step failed naming
 * the file and position, or it succeeded with what was cleaned or cut said in its note. The catalog is
 * the test's own, one tool and one profile per kind, so every kind runs in a scan of its own.
 */
class HostileReportsEndToEndTest {

    static NubicustosStandalone system;
    static Api api;
    static Path victim;
    static final Map<String, String> SCANS = new LinkedHashMap<>();

    /** name, report format, stdout report (or null). */
    private static final List<String[]> TOOLS = List.of(
            new String[] {"nul-in-value", "prowler", null},
            new String[] {"far-future-time", "prowler", null},
            new String[] {"missing-check-id", "prowler", null},
            new String[] {"element-of-a-million-values", "prowler", null},
            new String[] {"csv-record-of-9-mb", "prowler", null},
            new String[] {"scoutsuite-item-not-a-path", "scoutsuite-js", null},
            new String[] {"cloudsploit-without-plugin", "cloudsploit-json", null},
            new String[] {"kubescape-without-control-id", "kubescape-json", null},
            new String[] {"custodian-metadata-too-large", "custodian-resources", null},
            new String[] {"cloudmapper-line-of-2-mb", "cloudmapper-audit", null},
            new String[] {"link-where-stdout-is-saved", "cloudmapper-audit", "out.jsonl"},
            new String[] {"fifo-where-stdout-is-saved", "cloudmapper-audit", "out.jsonl"},
            new String[] {"stdout-past-the-limit", "cloudmapper-audit", "out.jsonl"},
            new String[] {"backslash-and-dot-names", "prowler", null});

    @BeforeAll
    static void start() throws Exception {
        Path data = TestDirectories.create("nubicustos-hostile");
        Path files = Files.createDirectories(data.resolve("hostile"));
        victim = Files.writeString(Files.createTempFile("victim", ".txt"), "untouched\n");
        buildImages(files);
        StringBuilder catalog = new StringBuilder("tools:\n");
        StringBuilder profiles = new StringBuilder("profiles:\n");
        for (String[] tool : TOOLS) {
            catalog.append("  ").append(tool[0]).append(":\n")
                    .append("    image: nubicustos-hostile/").append(tool[0]).append(":1\n")
                    .append("    container_name_prefix: ").append(tool[0]).append("\n")
                    .append("    report_path: /reports\n")
                    .append("    expected_exit_codes: [0]\n")
                    .append("    report_format: ").append(tool[1]).append("\n");
            if (tool[2] != null) {
                catalog.append("    stdout_report: ").append(tool[2]).append("\n");
            }
            profiles.append("  ").append(tool[0]).append(": {description: hostile, duration_estimate: seconds, tools: [")
                    .append(tool[0]).append("]}\n");
        }
        Path catalogFile = Files.writeString(data.resolve("catalog.yaml"), catalog + profiles.toString());
        system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, TestPostgres.newDatabase(), null, Ports.free(),
                Ports.free(), 0, 0, 0, 0, Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                "nubicustos.catalog", catalogFile.toString(), "nubicustos.worker.stdout-max-size", "1MB",
                "nubicustos.worker.poll-interval", "300ms", "nubicustos.processor.sweep-interval", "1s",
                // why: a catalog of its own hostile images only; the stand-ins' overlay would add the built-in tools' names
                "nubicustos.outbox.poll-interval", "100ms", "nubicustos.catalog-overlay", "")));
        api = new Api(system.apiPort());
        for (String[] tool : TOOLS) {
            SCANS.put(tool[0], api.submit("{\"profile\": \"" + tool[0] + "\"}"));
        }
        for (String scan : SCANS.values()) {
            api.awaitTerminal(scan, Duration.ofMinutes(3));
        }
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    private static void buildImages(Path files) throws IOException {
        String ocsf = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
        image("nul-in-value").writes("r.ocsf.json", write(files, "nul.ocsf.json",
                ocsf.replaceFirst("\"status_detail\": \"", java.util.regex.Matcher.quoteReplacement("\"status_detail\": \"\\u0000"))));
        image("far-future-time").writes("r.ocsf.json", write(files, "future.ocsf.json",
                ocsf.replaceAll("\"time\":\\s*\\d+", "\"time\": 9467280000000")));
        image("missing-check-id").writes("r.ocsf.json", write(files, "nocheck.ocsf.json", ocsf.replace("\"event_code\"", "\"other_code\"")));
        image("element-of-a-million-values").writes("r.ocsf.json", write(files, "million.ocsf.json",
                "[{\"a\": [" + "0,".repeat(1_200_000) + "0]}]"));
        image("csv-record-of-9-mb").writes("r.csv", write(files, "record.csv",
                "CHECK_ID;STATUS;SEVERITY\n" + ("y".repeat(9 * 1024) + ";").repeat(999) + "\n"));
        image("scoutsuite-item-not-a-path").writes("scoutsuite_results_aws-1.js", write(files, "scout.js",
                "scoutsuite_results =\n{\"services\": {\"iam\": {\"findings\": {\"rule\": {\"level\": \"danger\", \"items\": [{\"a\": 1}]}}}}}"));
        image("cloudsploit-without-plugin").writes("results.json", write(files, "cloudsploit.json", "[{\"status\": \"FAIL\"}]"));
        image("kubescape-without-control-id").writes("k.json", write(files, "kubescape.json",
                "{\"results\": [{\"resourceID\": \"a\", \"controls\": [{\"status\": {\"status\": \"failed\"}}]}]}"));
        image("custodian-metadata-too-large")
                .writes("policy/resources.json", write(files, "resources.json", "[{\"InstanceId\": \"i-1\"}]"))
                .writes("policy/metadata.json", write(files, "metadata.json", "{\"policy\": [" + "0,".repeat(1_200_000) + "0]}"));
        image("cloudmapper-line-of-2-mb").writes("audit.jsonl", write(files, "audit.jsonl",
                "{\"issue\": \"x\", \"details\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}\n"));
        Path audit = write(files, "stdout.jsonl", "{\"account_id\": \"1\", \"region\": \"us-east-1\", \"issue\": \"PUBLIC_BUCKET\","
                + " \"resource\": \"b\", \"finding_type_metadata\": {\"severity\": \"HIGH\", \"title\": \"public\"}}\n");
        image("link-where-stdout-is-saved").printsOnStdout(audit).alsoRuns("$B ln -s '" + victim + "' /reports/out.jsonl").buildWith(StandInTools.DOCKER);
        image("fifo-where-stdout-is-saved").printsOnStdout(audit).alsoRuns("$B mkfifo /reports/out.jsonl").buildWith(StandInTools.DOCKER);
        image("stdout-past-the-limit").alsoRuns("$B seq 1 60000 | $B sed 's/^/{\"issue\": \"flood\", \"resource\": \"/; s/$/\"}/'")
                .buildWith(StandInTools.DOCKER);
        image("backslash-and-dot-names")
                .writes("r.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .writes("..\\..\\evil.txt", write(files, "evil.txt", "x"))
                .writes("a\\b.txt", write(files, "b.txt", "x"));
        for (String[] tool : TOOLS) {
            if (tool[2] == null) {
                image(tool[0]).buildWith(StandInTools.DOCKER);
            }
        }
    }

    private static final Map<String, StandInImage> IMAGES = new LinkedHashMap<>();

    private static StandInImage image(String tool) {
        return IMAGES.computeIfAbsent(tool, t -> StandInImage.tagged("nubicustos-hostile/" + t + ":1").exitsWith(0));
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private JsonNode errors(String tool) {
        return api.getJson("/api/scans/" + SCANS.get(tool) + "/errors");
    }

    private String status(String tool) {
        return api.getJson("/api/scans/" + SCANS.get(tool) + "/status").get("status").asString();
    }

    private void failsWith(String tool, String... reason) {
        assertThat(status(tool)).as(tool).isEqualTo("failed");
        assertThat(errors(tool).at("/tool_errors/" + tool).asString()).as(tool).contains(reason);
    }

    private void completesNoting(String tool, String... note) {
        assertThat(status(tool)).as(tool + ": " + errors(tool)).isEqualTo("completed");
        assertThat(errors(tool).at("/notes/" + tool).asString()).as(tool).contains(note);
    }

    @Test
    void valuesTheDatabaseCannotStoreAreCleanedAndSaidSo() {
        completesNoting("nul-in-value", "NUL characters removed");
        completesNoting("far-future-time", "timestamp(s) outside the years 1-9999 dropped");
    }

    @Test
    void missingOrWrongFieldsOfEachToolFailTheirStepNamingFileAndPosition() {
        failsWith("missing-check-id", "r.ocsf.json at line", "without metadata.event_code");
        failsWith("scoutsuite-item-not-a-path", "scoutsuite_results_aws-1.js at line", "not a path");
        failsWith("cloudsploit-without-plugin", "results.json at line 1", "without 'plugin'");
        failsWith("kubescape-without-control-id", "k.json at line 1", "has no controlID");
    }

    @Test
    void oversizedElementsLinesAndRecordsAreRefusedWhileBeingRead() {
        failsWith("element-of-a-million-values", "r.ocsf.json at line 1", "an element larger than");
        failsWith("custodian-metadata-too-large", "metadata.json at line 1", "an element larger than");
        failsWith("cloudmapper-line-of-2-mb", "audit.jsonl at line 1", "line longer than");
        failsWith("csv-record-of-9-mb", "r.csv", "longer than 8388608 characters");
    }

    @Test
    void whatAToolPlantsWhereItsStdoutIsSavedIsNeitherFollowedNorOpened() throws IOException {
        failsWith("link-where-stdout-is-saved", "a symbolic link named out.jsonl", "neither followed nor opened");
        failsWith("fifo-where-stdout-is-saved", "a special file (FIFO, socket or device node) named out.jsonl");
        assertThat(Files.readString(victim)).isEqualTo("untouched\n");
    }

    @Test
    void stdoutPastTheLimitIsCutAtALineAndSaidSo() {
        completesNoting("stdout-past-the-limit", "standard output truncated: out.jsonl keeps the first", "the limit is 1048576");
        assertThat(api.getJson("/api/scans/" + SCANS.get("stdout-past-the-limit") + "/findings?size=1").get("total").asInt())
                .as("every whole line kept is a finding").isGreaterThan(20_000).isLessThan(60_000);
    }

    @Test
    void namesWithBackslashesAndDotsCannotLeaveAnArchive() throws Exception {
        String scan = SCANS.get("backslash-and-dot-names");
        assertThat(status("backslash-and-dot-names")).isEqualTo("completed");
        var created = api.post("/api/scans/bulk/archive", "{\"scan_ids\": [\"" + scan + "\"], \"name\": \"hostile-names.zip\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<InputStream> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + system.apiPort() + "/api/scans/archives/hostile-names.zip")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> entries = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(zip.body())) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                entries.add(entry.getName());
            }
        }
        assertThat(entries).allSatisfy(name -> {
            assertThat(name).startsWith(scan + "/").doesNotContain("\\");
            assertThat(List.of(name.split("/"))).doesNotContain("..");
        });
        assertThat(entries).contains(scan + "/reports/backslash-and-dot-names/..%5C..%5Cevil.txt");
    }
}
