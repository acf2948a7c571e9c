package io.nubicustos.processor.report.kubescape;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts read off the samples by hand. */
class KubescapeParserTest {

    private final KubescapeParser parser = new KubescapeParser();

    @Test
    void v3FailedControlsOfTheScannedDeployment(@TempDir Path dir) throws Exception {
        ParsedReport.sample("kubescape/kubescape_v3.0.3_with_a_failure.json", dir, "kubescape-results.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // C-0030 (scoreFactor 6), C-0055 (4), C-0260 (5) failed: all medium in Kubescape's bands
        assertThat(report.findings()).extracting(Finding::checkId).containsExactly("C-0030", "C-0055", "C-0260");
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.MEDIUM, 3L));
        Finding first = report.findings().get(0);
        assertThat(first.resourceId()).isEqualTo("path=966824446/api=apps/v1//Deployment/nginx-deployment");
        assertThat(first.title()).endsWith(" - Deployment nginx-deployment");
    }

    @Test
    void theOlderLayoutWithoutControlStatusUsesTheRules(@TempDir Path dir) throws Exception {
        ParsedReport.sample("kubescape/kubescape_2022_many_findings.json", dir, "results.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 44 resources; 289 (control, resource) pairs with at least one failed rule
        assertThat(report.findings()).hasSize(289);
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.HIGH, 34L, Severity.MEDIUM, 197L, Severity.LOW, 58L));
        assertThat(report.summary()).contains("read 44 resource result(s)");
    }

    @Test
    void kubescapesOwnSeverityBands() {
        assertThat(KubescapeParser.severity(9)).isEqualTo(Severity.CRITICAL);
        assertThat(KubescapeParser.severity(7)).isEqualTo(Severity.HIGH);
        assertThat(KubescapeParser.severity(6.9)).isEqualTo(Severity.MEDIUM);
        assertThat(KubescapeParser.severity(4)).isEqualTo(Severity.MEDIUM);
        assertThat(KubescapeParser.severity(1)).isEqualTo(Severity.LOW);
        assertThat(KubescapeParser.severity(0)).isEqualTo(Severity.INFO);
    }
}
