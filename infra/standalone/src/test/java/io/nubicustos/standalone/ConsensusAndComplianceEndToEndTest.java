package io.nubicustos.standalone;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Findings of two tools about one resource (consensus), and compliance across tools, on the real samples: Prowler 3.3's
 * ASFF report and ScoutSuite 5.10's results were taken of the same AWS environment (the resource ids agree; the account
 * ids were anonymised differently), and both flag the default network ACL {@code acl-c777e5a1}, which CIS AWS 1.4's
 * requirement 5.1 is about (Prowler's own cis_1.4_aws.json maps ec2_networkacl_allow_ingress_any_port there; the
 * ScoutSuite rule vpc-default-network-acls-allow-all-ingress is mapped by meaning, see the mapping file).
 */
class ConsensusAndComplianceEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NACL = "acl-c777e5a1";
    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
    }

    @Test
    void twoToolsFlaggingOneResourceConfirmEachOtherAndAConstructedDisagreementIsListedFirst() throws IOException {
        String agreed = scan(Samples.file("prowler/prowler330_output.asff.json"));

        JsonNode consensus = api.getJson("/api/scans/" + agreed + "/consensus?size=500");
        JsonNode nacl = control(consensus, "5.1", NACL);
        assertThat(strings(nacl.get("failed_by"))).containsExactly("prowler", "scoutsuite");
        assertThat(nacl.get("disagreement").asBoolean()).isFalse();
        assertThat(consensus.at("/summary/confirmed").asInt()).isGreaterThanOrEqualTo(1);
        assertDisagreementsFirst(consensus);
        assertThat(consensus.at("/mapped/cis-aws-1.4.0/prowler").asInt()).as("how much of each tool's catalog is mapped").isPositive();

        JsonNode scout = api.getJson("/api/scans/" + agreed + "/findings?tool=scoutsuite&check=vpc-default-network-acls-allow-all-ingress&size=500");
        JsonNode flagged = null;
        for (JsonNode f : scout.get("findings")) {
            if (f.get("resource_id").asString().contains("." + NACL + ".")) {
                flagged = f;
            }
        }
        assertThat(flagged).as("ScoutSuite's finding on " + NACL).isNotNull();
        assertThat(strings(flagged.get("confirmed_by"))).containsExactly("prowler", "scoutsuite");
        JsonNode prowler = api.getJson("/api/scans/" + agreed + "/findings?tool=prowler&check=ec2_networkacl_allow_ingress_any_port&size=500");
        JsonNode prowlerNacl = null;
        for (JsonNode f : prowler.get("findings")) {
            if (f.get("resource_id").asString().endsWith(NACL)) {
                prowlerNacl = f;
            }
        }
        assertThat(strings(prowlerNacl.get("confirmed_by"))).containsExactly("prowler", "scoutsuite");

        // constructed: Prowler now passes every check on that ACL, ScoutSuite still flags it
        ArrayNode records = (ArrayNode) JSON.readTree(Samples.file("prowler/prowler330_output.asff.json").toFile());
        int turned = 0;
        for (JsonNode record : records) {
            if (record.at("/Resources/0/Id").asString().endsWith("/" + NACL) && "FAILED".equals(record.at("/Compliance/Status").asString())) {
                ((ObjectNode) record.get("Compliance")).put("Status", "PASSED");
                turned++;
            }
        }
        assertThat(turned).isEqualTo(3);
        Path passing = Files.createTempFile("prowler-passes-nacl", ".asff.json");
        JSON.writeValue(passing.toFile(), records);
        String disagreed = scan(passing);

        JsonNode second = api.getJson("/api/scans/" + disagreed + "/consensus?size=500");
        JsonNode constructed = control(second, "5.1", NACL);
        assertThat(constructed.get("disagreement").asBoolean()).isTrue();
        assertThat(strings(constructed.get("failed_by"))).containsExactly("scoutsuite");
        assertThat(strings(constructed.get("passed_by"))).containsExactly("prowler");
        assertThat(indexOf(second, "5.1", NACL)).as("among the disagreements, which come first")
                .isLessThan(second.at("/summary/disagreements").asInt());
        assertDisagreementsFirst(second);
        JsonNode scoutAfter = api.getJson("/api/scans/" + disagreed + "/findings?tool=scoutsuite&check=vpc-default-network-acls-allow-all-ingress&size=500");
        for (JsonNode f : scoutAfter.get("findings")) {
            if (f.get("resource_id").asString().contains("." + NACL + ".")) {
                assertThat(strings(f.get("confirmed_by"))).as("no other tool confirms it now").containsExactly("scoutsuite");
            }
        }
        assertThat(api.get("/api/scans/00000000-0000-4000-8000-000000000000/consensus").statusCode()).isEqualTo(404);
    }

    @Test
    void complianceAcrossToolsIsExportedAsCsvJsonAndAnHtmlReportABrowserRenders() throws Exception {
        String scan = scan(Samples.file("prowler/prowler330_output.asff.json"));

        JsonNode cis = api.getJson("/api/scans/" + scan + "/compliance?framework=cis-aws-1.4.0");
        JsonNode framework = cis.at("/frameworks/0");
        assertThat(framework.isObject()).as(cis.toString()).isTrue();
        assertThat(framework.get("framework").asString()).isEqualTo("cis-aws-1.4.0");
        JsonNode requirements = framework.get("requirements");
        long sum = 0;
        for (String status : List.of("fail", "manual", "pass", "not_covered")) {
            sum += framework.at("/totals/" + status).asLong();
        }
        assertThat(sum).as("every requirement has one status").isEqualTo(requirements.size());
        JsonNode nacl = requirement(requirements, "5.1");
        assertThat(nacl.get("status").asString()).isEqualTo("fail");
        assertThat(strings(nacl.get("tools"))).contains("prowler", "scoutsuite");
        assertThat(framework.at("/totals/pass").asInt()).as("requirements a tool passed").isPositive();
        assertThat(api.getJson("/api/scans/" + scan + "/compliance?framework=CIS-1.4").at("/frameworks/0/framework").asString())
                .as("Prowler's own name of the framework").isEqualTo("cis-aws-1.4.0");

        JsonNode all = api.getJson("/api/scans/" + scan + "/compliance");
        List<String> names = new ArrayList<>();
        all.get("frameworks").forEach(f -> names.add(f.get("framework").asString()));
        assertThat(names).as("the mapping and what the tools reported themselves").contains("cis-aws-1.4.0").hasSizeGreaterThan(1);
        assertThat(api.get("/api/scans/" + scan + "/compliance?framework=no-such-framework").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/scans/" + scan + "/compliance?format=pdf").statusCode()).isEqualTo(400);

        HttpResponse<String> csv = api.get("/api/scans/" + scan + "/compliance?framework=cis-aws-1.4.0&format=csv");
        assertThat(csv.headers().firstValue("content-type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body().split("\r\n")).hasSize(1 + requirements.size());

        HttpResponse<String> html = api.get("/api/scans/" + scan + "/compliance?format=html");
        assertThat(html.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(html.body()).as("one file: nothing to load").doesNotContain("src=", "href=", "@import", "url(");
        Path report = Files.createTempDirectory("compliance-report").resolve("report.html");
        Files.writeString(report, html.body());

        String rendered = Chromium.dumpDom(report);
        Map<String, Long> shown = totals(rendered, "cis-aws-1.4.0");
        Map<String, Long> expected = new LinkedHashMap<>();
        framework.get("totals").properties().forEach(e -> expected.put(e.getKey(), e.getValue().asLong()));
        assertThat(shown).as("the totals a browser shows are the API's").isEqualTo(expected);
        Path screenshot = Path.of("target", "compliance-report.png").toAbsolutePath();
        Chromium.screenshot(report, screenshot);
        assertThat(Files.size(screenshot)).isPositive();
    }

    /** A compliance-only scan (Prowler and ScoutSuite) whose Prowler writes {@code asff}, ScoutSuite its real results. */
    private static String scan(Path asff) {
        StandInImage.forTool("prowler").writes("prowler-output-123456789012.asff.json", asff).exitsWith(3).buildWith(StandInTools.DOCKER);
        StandInImage.forTool("scoutsuite")
                .writes("scoutsuite-results/scoutsuite_results_aws-430150006394.js", Samples.file("scoutsuite/scoutsuite_results_aws-430150006394.js"))
                .exitsWith(0).buildWith(StandInTools.DOCKER);
        String id = api.submit("{\"profile\": \"compliance-only\", \"aws_profile\": \"consensus\"}");
        assertThat(api.awaitTerminal(id, Duration.ofMinutes(3)).get("status").asString()).isEqualTo("completed");
        return id;
    }

    private static JsonNode control(JsonNode consensus, String requirement, String resource) {
        int at = indexOf(consensus, requirement, resource);
        assertThat(at).as("control " + requirement + " on " + resource).isNotNegative();
        return consensus.get("controls").get(at);
    }

    private static int indexOf(JsonNode consensus, String requirement, String resource) {
        JsonNode controls = consensus.get("controls");
        for (int i = 0; i < controls.size(); i++) {
            JsonNode c = controls.get(i);
            if (c.get("framework").asString().equals("cis-aws-1.4.0") && c.get("requirement").asString().equals(requirement)
                    && c.get("resource").asString().equals(resource)) {
                return i;
            }
        }
        return -1;
    }

    private static void assertDisagreementsFirst(JsonNode consensus) {
        boolean agreementSeen = false;
        for (JsonNode c : consensus.get("controls")) {
            if (c.get("disagreement").asBoolean()) {
                assertThat(agreementSeen).as("a disagreement after an agreement: " + c).isFalse();
            } else {
                agreementSeen = true;
            }
        }
    }

    private static JsonNode requirement(JsonNode requirements, String id) {
        for (JsonNode r : requirements) {
            if (r.get("id").asString().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no requirement " + id);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    /** The totals cells of one framework, as the rendered page has them. */
    private static Map<String, Long> totals(String dom, String framework) {
        Map<String, Long> totals = new LinkedHashMap<>();
        Matcher cell = Pattern.compile("<td class=\"[a-z_]+\" data-framework=\"" + Pattern.quote(framework) + "\" data-status=\"([a-z_]+)\">(\\d+)</td>")
                .matcher(dom);
        while (cell.find()) {
            totals.put(cell.group(1), Long.parseLong(cell.group(2)));
        }
        return totals;
    }

    /** Debian's headless Chromium, which .ci/run installs. */
    static final class Chromium {

        private static final String BINARY = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";

        static String dumpDom(Path page) throws IOException, InterruptedException {
            Path out = Files.createTempFile("dom", ".html");
            run(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.toUri().toString()), out);
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        static void screenshot(Path page, Path png) throws IOException, InterruptedException {
            Files.createDirectories(png.getParent());
            run(List.of(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1800",
                    "--screenshot=" + png, page.toUri().toString()), Files.createTempFile("chromium", ".log"));
        }

        private static void run(List<String> command, Path stdout) throws IOException, InterruptedException {
            Path home = Files.createTempDirectory("chromium-home");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(Files.createTempFile("chromium", ".err").toFile()));
            builder.environment().put("HOME", home.toString());
            Process process = builder.start();
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("chromium finished").isTrue();
            assertThat(process.exitValue()).as("chromium's exit").isZero();
        }
    }
}
