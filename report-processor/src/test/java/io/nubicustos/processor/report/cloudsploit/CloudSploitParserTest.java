package io.nubicustos.processor.report.cloudsploit;

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
class CloudSploitParserTest {

    private final CloudSploitParser parser = new CloudSploitParser();

    @Test
    void failAndWarnAreFindingsOkIsAPass(@TempDir Path dir) throws Exception {
        ParsedReport.sample("cloudsploit/cloudsploit_many_vul.json", dir, "cloudsploit-results.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 6 results: FAIL 4, WARN 1, OK 1
        assertThat(report.findings()).hasSize(5);
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.HIGH, 4L, Severity.MEDIUM, 1L));
        Finding first = report.findings().get(0);
        assertThat(first.checkId()).isEqualTo("stackTerminationProtection");
        assertThat(first.service()).isEqualTo("CloudFormation");
        assertThat(first.region()).isEqualTo("us-east-1");
        assertThat(first.account()).isEqualTo("0123456789012");
        assertThat(report.findings()).extracting(Finding::region).contains("global");
    }

    @Test
    void anEmptyRunHasNoFindings(@TempDir Path dir) throws Exception {
        ParsedReport.sample("cloudsploit/cloudsploit_zero_vul.json", dir, "cloudsploit-results.json");

        assertThat(ParsedReport.of(parser, dir).findings()).isEmpty();
    }

    @Test
    void unknownResultsAreACoverageGapNotFindings(@TempDir Path dir) throws Exception {
        ParsedReport.sample("cloudsploit/scan_results_cs_gcp.json", dir, "cloudsploit-results.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 805 results: UNKNOWN 766, OK 39
        assertThat(report.findings()).isEmpty();
        assertThat(report.summary()).contains("coverage gap: 766 check(s) could not be evaluated (UNKNOWN)");
    }
}
