package io.nubicustos.processor.report.sarif;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checkov 3.2.91's real SARIF log (test-support byo-samples/SOURCES.md: bridgecrewio/checkov commit 82e2ef5f, results.sarif):
 * 7 results of 7 rules in one Terraform file; the rules' security-severity are 8.9, 6.9, four 3.9 and one 0.0.
 */
class SarifParserTest {

    private final SarifParser parser = new SarifParser();

    @Test
    void everyResultIsAFindingOfTheNamedToolWithTheRulesScoreAsSeverity(@TempDir Path dir) throws Exception {
        copy("checkov/checkov-3.2.91-terraform-azure-results.sarif", dir.resolve("results_sarif.sarif"));
        List<Finding> findings = new ArrayList<>();

        String summary = parser.parse(dir, "checkov", findings::add);

        assertThat(findings).hasSize(7).allMatch(f -> f.tool().equals("checkov") && f.status() == FindingStatus.FAIL);
        assertThat(findings).extracting(Finding::severity).containsExactlyInAnyOrder(Severity.HIGH, Severity.MEDIUM,
                Severity.LOW, Severity.LOW, Severity.LOW, Severity.LOW, Severity.INFO);
        Finding high = findings.stream().filter(f -> f.severity() == Severity.HIGH).findFirst().orElseThrow();
        assertThat(high.checkId()).isEqualTo("CKV_AZURE_178");
        assertThat(high.resourceId()).isEqualTo("iac-azure-aks-belfius/vm.tf:95");
        assertThat(high.remediation()).contains("https://");
        assertThat(findings).extracting(Finding::fingerprint).doesNotHaveDuplicates();
        assertThat(summary).contains("7 SARIF result(s)", "7 failed");
    }

    @Test
    void passesReviewsSuppressionsAndLevelsWithoutAScore(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.sarif.json"), """
                {"version": "2.1.0", "runs": [{
                  "results": [
                    {"ruleId": "R1", "kind": "pass", "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.tf"}}}]},
                    {"ruleId": "R2", "kind": "review", "level": "note"},
                    {"ruleIndex": 0, "level": "error", "suppressions": [{"kind": "inSource"}]},
                    {"ruleId": "R4", "kind": "notApplicable"},
                    {"ruleId": "R5", "level": "error", "suppressions": [{"kind": "inSource"}, {"kind": "external", "status": "rejected"}],
                     "locations": [{"logicalLocations": [{"fullyQualifiedName": "aws_s3_bucket.logs"}],
                                    "physicalLocation": {"artifactLocation": {"uri": "main.tf"}, "region": {"startLine": 3}}}]}
                  ],
                  "tool": {"driver": {"name": "x", "rules": [{"id": "R3", "shortDescription": {"text": "third"}}]}}
                }]}
                """);
        List<Finding> findings = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        parser.parse(dir, "x", new FindingSink() {
            @Override
            public void accept(Finding finding) {
                findings.add(finding);
            }

            @Override
            public void passed(String checkId, String resourceId, String region, java.util.Map<String, List<String>> compliance) {
                passes.add(checkId + "@" + resourceId);
            }
        });

        assertThat(passes).containsExactly("R1@a.tf");
        assertThat(findings).extracting(Finding::checkId).containsExactly("R2", "R3", "R5");
        assertThat(findings.get(0).status()).isEqualTo(FindingStatus.MANUAL);
        assertThat(findings.get(0).severity()).isEqualTo(Severity.LOW);
        assertThat(findings.get(1).status()).as("rules after results, by index").isEqualTo(FindingStatus.SUPPRESSED);
        assertThat(findings.get(1).title()).isEqualTo("third");
        assertThat(findings.get(2).status()).as("one rejected suppression leaves it standing").isEqualTo(FindingStatus.FAIL);
        assertThat(findings.get(2).resourceId()).isEqualTo("main.tf#aws_s3_bucket.logs");
    }

    @Test
    void whatIsNotASarif210LogIsRefusedWithWhere(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> parser.parse(dir, "x", f -> { })).isInstanceOf(ReportException.class).hasMessageContaining("no SARIF log");
        Files.writeString(dir.resolve("a.sarif"), "{\"version\": \"2.0.0\", \"runs\": []}");
        assertThatThrownBy(() -> parser.parse(dir, "x", f -> { })).isInstanceOf(ReportException.class).hasMessageContaining("only 2.1.0");
        Files.writeString(dir.resolve("a.sarif"), "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [1]}]}");
        assertThatThrownBy(() -> parser.parse(dir, "x", f -> { })).isInstanceOf(ReportException.class).hasMessageContaining("not an object");
        Files.writeString(dir.resolve("a.sarif"), "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [{\"level\": \"error\"}]}]}");
        assertThatThrownBy(() -> parser.parse(dir, "x", f -> { })).isInstanceOf(ReportException.class).hasMessageContaining("without ruleId");
        Files.writeString(dir.resolve("a.sarif"), "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [");
        assertThatThrownBy(() -> parser.parse(dir, "x", f -> { })).isInstanceOf(ReportException.class);
    }

    static void copy(String byoSample, Path target) throws IOException {
        try (InputStream in = SarifParserTest.class.getClassLoader().getResourceAsStream("byo-samples/" + byoSample)) {
            assertThat(in).as("byo-samples/" + byoSample).isNotNull();
            Files.copy(in, target);
        }
    }
}
