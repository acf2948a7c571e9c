package io.nubicustos.standalone;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.testsupport.StandInImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real tools an operator adds with a catalog entry and no code, through the whole system: Checkov writing SARIF
 * 2.1.0 and Prowler for Azure writing OCSF Detection Findings (the entries: {@code docs/catalog-overlays/
 * bring-your-own.yaml}; the shared system runs them through {@code infra/dev/standin-byo-catalog.yaml}, which differs
 * only in the images). Their
 * reports are real ones from the tools' repositories (byo-samples/SOURCES.md in test-support).
 */
class BringYourOwnScannerEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
    }

    @Test
    void aSarifToolAndAnOcsfToolAddedByCatalogEntriesReachFindingsDiffAndExports() throws IOException {
        Path sarif = byoSample("checkov/checkov-3.2.91-terraform-azure-results.sarif");
        Path ocsf = byoSample("prowler/prowler-example-output-azure.ocsf.json");
        String first = scan(sarif, ocsf);

        JsonNode checkov = api.getJson("/api/scans/" + first + "/findings?tool=checkov&size=500");
        JsonNode log = JSON.readTree(sarif.toFile());
        Set<String> rules = new HashSet<>();
        log.at("/runs/0/results").forEach(r -> rules.add(r.get("ruleId").asString()));
        assertThat(checkov.get("total").asInt()).as("one finding per SARIF result").isEqualTo(log.at("/runs/0/results").size());
        Set<String> checks = new HashSet<>();
        checkov.get("findings").forEach(f -> checks.add(f.get("check_id").asString()));
        assertThat(checks).isEqualTo(rules);
        // CKV_AZURE rule scores: 8.9 is high by GitHub's reading of security-severity, 0.0 informational
        for (JsonNode f : checkov.get("findings")) {
            JsonNode rule = ruleOf(log, f.get("check_id").asString());
            double score = rule.at("/properties/security-severity").asDouble(-1);
            if (score >= 7.0 && score < 9.0) {
                assertThat(f.get("severity").asString()).isEqualTo("high");
            }
            if (score == 0.0) {
                assertThat(f.get("severity").asString()).isEqualTo("info");
            }
            assertThat(f.get("resource_id").asString()).startsWith("iac-azure-aks-belfius/vm.tf");
        }

        JsonNode azure = api.getJson("/api/scans/" + first + "/findings?tool=prowler-azure&size=500");
        Set<String> expected = new HashSet<>();
        JSON.readTree(ocsf.toFile()).forEach(r -> expected.add(r.at("/metadata/event_code").asString()));
        Set<String> found = new HashSet<>();
        azure.get("findings").forEach(f -> found.add(f.get("check_id").asString()));
        assertThat(found).isEqualTo(expected);
        assertThat(azure.at("/findings/0/account").asString()).as("the subscription").isEqualTo("<subscription_uid>");

        // a second run whose SARIF log lost one result: the diff says one fixed, nothing new
        ObjectNode shorter = (ObjectNode) JSON.readTree(sarif.toFile());
        ArrayNode results = (ArrayNode) shorter.at("/runs/0/results");
        String fixedRule = results.get(0).get("ruleId").asString();
        results.remove(0);
        Path second = Files.createTempFile("checkov-second", ".sarif");
        JSON.writeValue(second.toFile(), shorter);
        String next = scan(second, ocsf);
        JsonNode diff = api.getJson("/api/scans/" + next + "/diff");
        assertThat(diff.get("against").asString()).isEqualTo(first);
        assertThat(diff.get("fixed").asInt()).isEqualTo(1);
        assertThat(diff.get("new").asInt()).isZero();
        assertThat(diff.at("/fixed_findings/0/check_id").asString()).isEqualTo(fixedRule);

        String csv = api.get("/api/scans/" + next + "/findings/export?format=csv").body();
        assertThat(csv).contains("checkov", "prowler-azure");
        JsonNode exportedSarif = api.read(api.get("/api/scans/" + next + "/findings/export?format=sarif").body());
        assertThat(exportedSarif.toString()).contains("CKV_AZURE", "prowler-azure");
        JsonNode exportedJson = api.read(api.get("/api/scans/" + next + "/findings/export?format=json").body());
        assertThat(exportedJson.toString()).contains("\"tool\":\"checkov\"");
        String tail = api.getJson("/api/scans/" + next).toString();
        assertThat(tail).as("the service principal's secret is never shown").doesNotContain(RunningSystem.AZURE_CLIENT_SECRET);
    }

    @Test
    void theTestOverlayRunsExactlyTheDocumentedEntriesButForTheImages() {
        ToolCatalog documented = ToolCatalog.load(null, Path.of("../../docs/catalog-overlays/bring-your-own.yaml").toString());
        ToolCatalog tested = ToolCatalog.load(null, RunningSystem.overlays());
        for (String tool : List.of("checkov", "prowler-azure")) {
            ToolDefinition real = documented.requireTool(tool);
            ToolDefinition standIn = tested.requireTool(tool);
            assertThat(standIn.image()).startsWith("nubicustos-standin/").endsWith(":" + real.image().substring(real.image().indexOf(':') + 1));
            assertThat(standIn.defaultCommand()).isEqualTo(real.defaultCommand());
            assertThat(standIn.reportFormat()).isEqualTo(real.reportFormat());
            assertThat(standIn.expectedExitCodes()).isEqualTo(real.expectedExitCodes());
            assertThat(standIn.passedEnvironment()).isEqualTo(real.passedEnvironment());
            assertThat(standIn.namedVolumes()).isEqualTo(real.namedVolumes());
        }
    }

    private static String scan(Path sarif, Path ocsf) {
        StandInImage.tagged("nubicustos-standin/checkov:3.3.13").writes("results_sarif.sarif", sarif).exitsWith(1).buildWith(StandInTools.DOCKER);
        StandInImage.tagged("nubicustos-standin/prowler-azure:5.39.1")
                .writes("prowler-output-contoso.onmicrosoft.com-20250305120000.ocsf.json", ocsf).exitsWith(3).buildWith(StandInTools.DOCKER);
        String id = api.submit("{\"profile\": \"bring-your-own\", \"aws_profile\": \"byo\"}");
        JsonNode status = api.awaitTerminal(id, Duration.ofMinutes(3));
        assertThat(status.get("status").asString()).as(api.getJson("/api/scans/" + id + "/errors").toString()).isEqualTo("completed");
        return id;
    }

    private static JsonNode ruleOf(JsonNode log, String id) {
        for (JsonNode rule : log.at("/runs/0/tool/driver/rules")) {
            if (rule.get("id").asString().equals(id)) {
                return rule;
            }
        }
        throw new AssertionError("no rule " + id);
    }

    /** A real report of test-support's byo-samples, as a file. */
    static Path byoSample(String name) {
        try (InputStream in = BringYourOwnScannerEndToEndTest.class.getClassLoader().getResourceAsStream("byo-samples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no byo-samples/" + name + " on the class path");
            }
            Path file = Files.createTempFile("byo-", "-" + Path.of(name).getFileName());
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
