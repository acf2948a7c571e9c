package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Prowler's CSV and ASFF outputs, and a run's files read as one report. Counts read off the files by hand. */
class ProwlerFormatsTest {

    private final ProwlerParser parser = new ProwlerParser();

    @Test
    void csvWith41ColumnsByHeaderName(@TempDir Path dir) throws Exception {
        ParsedReport.sample("prowler/prowler5_example_output_aws_41cols.csv", dir, "prowler-output.csv");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 4 rows: FAIL/low 1, FAIL/medium 1, MANUAL/medium 2, none muted
        assertThat(report.findings()).hasSize(4);
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.LOW, 1L, Severity.MEDIUM, 1L));
        assertThat(report.count(FindingStatus.MANUAL)).isEqualTo(2);
        Finding first = report.findings().get(0);
        assertThat(first.checkId()).isEqualTo("accessanalyzer_enabled");
        assertThat(first.service()).isEqualTo("accessanalyzer");
        assertThat(first.compliance()).containsEntry("CIS-1.4", java.util.List.of("1.20"))
                .containsEntry("KISA-ISMS-P-2023", java.util.List.of("2.5.6", "2.6.4", "2.8.1", "2.8.2"));
        assertThat(first.observedAt()).hasToString("2025-02-14T14:27:03.913874Z");
    }

    @Test
    void asffFromProwler3(@TempDir Path dir) throws Exception {
        ParsedReport.sample("prowler/prowler330_output.asff.json", dir, "prowler-output.asff.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 731 records: PASSED 441 (dropped), FAILED 286 (critical 3, high 29, medium 199, low 55), INFOED 4 (medium)
        assertThat(report.findings()).hasSize(290);
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(
                Severity.CRITICAL, 3L, Severity.HIGH, 29L, Severity.MEDIUM, 199L, Severity.LOW, 55L));
        assertThat(report.severities(FindingStatus.MANUAL)).isEqualTo(Map.of(Severity.MEDIUM, 4L));
        Finding first = report.findings().get(0);
        assertThat(first.checkId()).isEqualTo("accessanalyzer_enabled");
        assertThat(first.account()).isEqualTo("123456789012");
        assertThat(first.region()).isEqualTo("ap-northeast-1");
        assertThat(first.description()).isEqualTo("IAM Access Analyzer in account 123456789012 is not enabled");
    }

    @Test
    void prowler3NativeJson(@TempDir Path dir) throws Exception {
        ParsedReport.sample("prowler/prowler3_native_many_vuln.json", dir, "prowler-output-999999999999.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // 3 results, all FAIL: high 1, medium 1, low 1
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.HIGH, 1L, Severity.MEDIUM, 1L, Severity.LOW, 1L));
        Finding first = report.findings().get(0);
        assertThat(first.checkId()).isEqualTo("acm_certificates_expiration_check");
        assertThat(first.resourceId()).isEqualTo("arn:aws:acm:us-east-1:999999999999:certificate/ffffffff-0000-0000-0000-000000000000");
        assertThat(first.account()).isEqualTo("999999999999");
        assertThat(first.description()).isEqualTo("ACM Certificate for api.teste.teste.com is about to expire in 7 days.");
    }

    @Test
    void theFilesOfOneRunAreOneReportNotThree(@TempDir Path dir) throws Exception {
        ParsedReport.sample("prowler/prowler5_example_output_aws.ocsf.json", dir, "prowler-output-x.ocsf.json");
        ParsedReport.sample("prowler/prowler5_example_output_aws_41cols.csv", dir, "prowler-output-x.csv");
        ParsedReport.sample("prowler/prowler330_output.asff.json", dir, "prowler-output-x.asff.json");
        ParsedReport.sample("prowler/prowler5_example_output_aws_41cols.csv", dir, "compliance/prowler-output-x_cis_2.0_aws.csv");

        ParsedReport report = ParsedReport.of(parser, dir);

        assertThat(report.findings()).hasSize(5);
        assertThat(report.summary()).contains("from 1 file(s)");
    }
}
