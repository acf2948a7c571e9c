package io.nubicustos.standalone;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.nubicustos.testsupport.GitHubSarifRules;
import io.nubicustos.testsupport.SarifSchema;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The findings a user reads after scans: the diff between two scans, a finding's history, the exports. */
class FindingsEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
    }

    @Test
    void aSecondScanThatDropsOneFailureAndAddsAnotherDiffsAsOneNewOneFixedTheRestUnchanged() throws IOException {
        // Prowler 3.3's real ASFF report: 286 distinct FAILED findings
        Path original = Samples.file("prowler/prowler330_output.asff.json");
        ArrayNode records = (ArrayNode) JSON.readTree(original.toFile());
        ArrayNode changed = JSON.createArrayNode();
        boolean dropped = false;
        JsonNode lastFailed = null;
        for (JsonNode record : records) {
            boolean failed = "FAILED".equals(record.at("/Compliance/Status").asString());
            if (failed && !dropped) {
                dropped = true;
                continue;
            }
            if (failed) {
                lastFailed = record;
            }
            changed.add(record);
        }
        ObjectNode added = (ObjectNode) lastFailed.deepCopy();
        ((ObjectNode) added.get("Resources").get(0)).put("Id", "arn:aws:s3:::nubicustos-diff-new-bucket");
        added.put("Id", "prowler-diff-test-new-finding");
        changed.add(added);
        Path second = Files.createTempFile("second", ".asff.json");
        JSON.writeValue(second.toFile(), changed);

        StandInImage.forTool("prowler").writes("prowler-output-123456789012.asff.json", original).exitsWith(3)
                .buildWith(StandInTools.DOCKER);
        String first = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"diff-account\"}");
        assertThat(api.awaitTerminal(first, Duration.ofMinutes(2)).at("/findings/total").asInt()).isEqualTo(286);
        StandInImage.forTool("prowler").writes("prowler-output-123456789012.asff.json", second).exitsWith(3)
                .buildWith(StandInTools.DOCKER);
        String next = api.submit("{\"profile\": \"quick\", \"aws_profile\": \"diff-account\"}");
        assertThat(api.awaitTerminal(next, Duration.ofMinutes(2)).at("/findings/total").asInt()).isEqualTo(286);

        JsonNode diff = api.getJson("/api/scans/" + next + "/diff");

        assertThat(diff.get("against").asString()).as("the previous scan of the same account and profile").isEqualTo(first);
        assertThat(diff.get("new").asInt()).isEqualTo(1);
        assertThat(diff.get("fixed").asInt()).isEqualTo(1);
        assertThat(diff.get("unchanged").asInt()).isEqualTo(285);
        assertThat(diff.at("/new_findings/0/resource_id").asString()).isEqualTo("arn:aws:s3:::nubicustos-diff-new-bucket");
        assertThat(diff.at("/fixed_findings/0/check_id").asString()).isEqualTo("accessanalyzer_enabled");

        String unchanged = api.getJson("/api/scans/" + next + "/findings?check=accessanalyzer_enabled&size=1")
                .at("/findings/0/fingerprint").asString();
        JsonNode history = api.getJson("/api/findings?fingerprint=" + unchanged);
        // why: the same report runs in other end-to-end tests of this JVM (same account in the report, so same
        // fingerprints); this test's scans are the ones of its own aws_profile, newest first
        List<String> ours = new ArrayList<>();
        history.get("history").forEach(h -> {
            if ("diff-account".equals(h.get("aws_profile").asString())) {
                ours.add(h.get("scan_id").asString());
            }
        });
        assertThat(ours).containsExactly(next, first);
        assertThat(history.get("scans").asInt()).isEqualTo(history.get("history").size());
    }

    @Test
    void aSecretAToolDiscoveredIsInNoFindingExportOrArchiveAndItsDatabaseIsWithheld() throws Exception {
        String secret = "sk_live_nubicustosE2E" + UUID.randomUUID().toString().replace("-", "");
        Path table = Files.createTempFile("env-vars-interesting", ".json");
        Files.writeString(table, "[{\"Account\": \"123456789012\", \"Service\": \"lambda\", \"Region\": \"eu-west-1\","
                + " \"Name\": \"payments-webhook\", \"Key\": \"STRIPE_SECRET_KEY\", \"Value\": \"" + secret + "\"}]");
        Path database = Files.createTempFile("sqlite", ".db");
        Files.writeString(database, "SQLite format 3\u0000 aws_secret_access_key " + secret);
        StandInTools.prowler5();
        StandInTools.comprehensiveRest(0);
        StandInImage.forTool("cloudfox")
                .writes("cloudfox-output/aws/default-123456789012/json/env-vars-interesting.json", table)
                .writes("cloudfox-output/aws/default-123456789012/loot/env-vars.txt", table)
                .writes("session/sqlite.db", database)
                .exitsWith(0).buildWith(StandInTools.DOCKER);
        try {
            String scanId = api.submit("{\"profile\": \"comprehensive\"}");
            api.awaitTerminal(scanId, Duration.ofMinutes(3));

            JsonNode findings = api.getJson("/api/scans/" + scanId + "/findings?status=all&tool=cloudfox&size=500");
            assertThat(findings.toString()).contains("STRIPE_SECRET_KEY").contains("[withheld: " + secret.length() + " characters");
            for (String format : List.of("json", "csv", "sarif")) {
                HttpResponse<String> export = api.get("/api/scans/" + scanId + "/findings/export?format=" + format + "&status=all");
                assertThat(export.statusCode()).isEqualTo(200);
                assertThat(export.body()).as(format).doesNotContain(secret).contains("STRIPE_SECRET_KEY");
            }
            assertThat(findings.toString()).doesNotContain(secret);
            assertThat(api.get("/api/scans/" + scanId).body()).doesNotContain(secret);

            String name = "secrets-" + scanId + ".zip";
            var archived = api.post("/api/scans/bulk/archive", "{\"scan_ids\": [\"" + scanId + "\"], \"name\": \"" + name + "\"}");
            assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
            HttpResponse<java.io.InputStream> zip = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + RunningSystem.get().apiPort() + "/api/scans/archives/" + name)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<String> entries = new ArrayList<>();
            String manifest = null;
            try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(zip.body())) {
                for (java.util.zip.ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    String content = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertThat(content).as(entry.getName()).doesNotContain(secret);
                    entries.add(entry.getName());
                    if (entry.getName().endsWith("/scan.json")) {
                        manifest = content;
                    }
                }
            }
            assertThat(entries).noneMatch(e -> e.endsWith("sqlite.db") || e.contains("env-vars"))
                    .anyMatch(e -> e.endsWith("/findings.json"));
            assertThat(manifest).contains("reports_withheld").contains("session/sqlite.db").contains("env-vars-interesting.json");
        } finally {
            StandInTools.comprehensiveRest(0);
        }
    }

    @Test
    void aTruncatedReportFailsOnlyItsOwnStepWithTheFileAndPositionInErrors() throws IOException {
        String whole = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
        Path truncated = Files.createTempFile("truncated", ".ocsf.json");
        Files.writeString(truncated, whole.substring(0, whole.length() / 2));
        StandInImage.forTool("prowler").writes("prowler-output-123456789012.ocsf.json", truncated).exitsWith(3)
                .buildWith(StandInTools.DOCKER);
        StandInTools.comprehensiveRest(0);

        String scanId = api.submit("{\"profile\": \"compliance-only\"}");
        JsonNode status = api.awaitTerminal(scanId, Duration.ofMinutes(2));

        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.at("/findings/total").asInt()).as("scoutsuite's findings are kept").isEqualTo(356);
        JsonNode errors = api.getJson("/api/scans/" + scanId + "/errors");
        assertThat(errors.at("/tool_errors/prowler").asString())
                .contains("report rejected: prowler-output-123456789012.ocsf.json at line");
        assertThat(errors.at("/tool_errors/scoutsuite").isNull()).isTrue();
    }

    @Test
    void exportsAreStreamedAsCsvJsonAndValidSarif() throws Exception {
        StandInTools.prowler5();
        String scanId = api.submit("{\"profile\": \"quick\"}");
        api.awaitTerminal(scanId, Duration.ofMinutes(2));

        HttpResponse<String> csv = api.get("/api/scans/" + scanId + "/findings/export?format=csv&status=all");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition")).contains(
                "attachment; filename=\"nubicustos-scan-" + scanId + "-findings.csv\"");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("tool,check_id,title,severity,status,account,region,service,resource_id,description,"
                + "remediation,compliance,observed_at,fingerprint,occurrences,triage_state,triage_reason,triage_expires_at");

        JsonNode json = api.read(api.get("/api/scans/" + scanId + "/findings/export?format=json").body());
        assertThat(json.get("findings")).hasSize(2);

        HttpResponse<String> sarif = api.get("/api/scans/" + scanId + "/findings/export?format=sarif&status=all");
        assertThat(sarif.headers().firstValue("Content-Type")).contains("application/sarif+json");
        JsonNode document = api.read(sarif.body());
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.newInputStream(SarifSchema.path()), InputFormat.JSON);
        assertThat(schema.validate(JSON.readTree("{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}")))
                .as("the validator rejects a run without a tool").isNotEmpty();
        List<Error> errors = schema.validate(document);
        assertThat(errors).as("SARIF 2.1.0 schema violations").isEmpty();
        assertThat(GitHubSarifRules.violations(document)).as("what GitHub code scanning would refuse").isEmpty();
        assertThat(GitHubSarifRules.violations(JSON.readTree("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"x\","
                + " \"rules\": [{\"id\": \"r\"}]}}, \"results\": [{\"ruleId\": \"r\", \"message\": {\"text\": \"m\"}}]}]}")))
                .as("the rules can fail").hasSizeGreaterThanOrEqualTo(4);
        document.at("/runs/0/results").forEach(result -> assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asString())
                .matches("aws/[^/]+/[^/]+/[^/]+"));
        assertThat(document.at("/runs/0/automationDetails/id").asString()).isEqualTo("nubicustos/prowler/" + scanId);
        assertThat(document.at("/runs/0/tool/driver/name").asString()).isEqualTo("prowler");
        assertThat(document.at("/runs/0/results")).hasSize(5);

        assertThat(api.get("/api/scans/" + scanId + "/findings/export?format=xml").statusCode()).isEqualTo(400);
    }
}
