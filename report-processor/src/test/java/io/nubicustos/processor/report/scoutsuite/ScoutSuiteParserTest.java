package io.nubicustos.processor.report.scoutsuite;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import io.nubicustos.processor.report.ReportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counts read off the samples by hand: 30 flagged rules, 356 item paths (32 danger, 324 warning). */
class ScoutSuiteParserTest {

    private final ScoutSuiteParser parser = new ScoutSuiteParser();

    @Test
    void everyFlaggedItemIsOneFinding(@TempDir Path dir) throws Exception {
        ParsedReport.sample("scoutsuite/scoutsuite_results_aws-430150006394.js", dir,
                "scoutsuite-results/scoutsuite_results_aws-430150006394.js");

        ParsedReport report = ParsedReport.of(parser, dir);

        assertThat(report.findings()).hasSize(356);
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.HIGH, 32L, Severity.MEDIUM, 324L));
        assertThat(report.summary()).contains("30 flagged rule(s) with 356 flagged item(s)");
        Finding cloudtrail = report.findings().stream()
                .filter(f -> f.resourceId().equals("cloudtrail.regions.ap-northeast-1.NotConfigured")).findFirst().orElseThrow();
        assertThat(cloudtrail.checkId()).isEqualTo("cloudtrail-not-configured");
        assertThat(cloudtrail.title()).isEqualTo("CloudTrail Service Not Configured");
        assertThat(cloudtrail.severity()).isEqualTo(Severity.HIGH);
        assertThat(cloudtrail.account()).isEqualTo("430150006394");
        assertThat(cloudtrail.region()).isEqualTo("ap-northeast-1");
        assertThat(cloudtrail.service()).isEqualTo("cloudtrail");
        assertThat(cloudtrail.observedAt()).hasToString("2021-10-01T18:47:09Z");
        assertThat(report.findings()).extracting(Finding::fingerprint).doesNotHaveDuplicates();
    }

    @Test
    void aReportInTheToolsOwnOneLineLayoutWithNothingFlagged(@TempDir Path dir) throws Exception {
        ParsedReport.sample("scoutsuite/scoutsuite_results_gcp-project-id.js", dir, "scoutsuite_results_gcp-project-id.js");

        assertThat(ParsedReport.of(parser, dir).findings()).isEmpty();
    }

    @Test
    void aFileWithoutTheAssignmentIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scoutsuite_results_aws-1.js"), "{\"services\": {}}");

        assertThatThrownBy(() -> ParsedReport.of(parser, dir)).isInstanceOf(ReportException.class)
                .hasMessageContaining("scoutsuite_results_aws-1.js at line 1").hasMessageContaining("scoutsuite_results =");
    }

    @Test
    void regionIsThePathSegmentAfterRegions() {
        assertThat(ScoutSuiteParser.region("ec2.regions.eu-west-1.vpcs.vpc-1.security_groups.sg-2")).isEqualTo("eu-west-1");
        assertThat(ScoutSuiteParser.region("iam.users.alice")).isEqualTo("global");
    }
}
