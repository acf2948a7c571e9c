package io.nubicustos.processor.report.custodian;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustodianParserTest {

    private final CustodianParser parser = new CustodianParser();

    @Test
    void everyMatchedResourceIsAFindingWithTheDefaultSeverity(@TempDir Path dir) throws Exception {
        ParsedReport.sample("custodian/ec2-running-instances/resources.json", dir, "ec2-running-instances/resources.json");

        ParsedReport report = ParsedReport.of(parser, dir);

        // one running instance
        assertThat(report.findings()).hasSize(1);
        Finding finding = report.findings().get(0);
        assertThat(finding.checkId()).isEqualTo("ec2-running-instances");
        assertThat(finding.resourceId()).isEqualTo("i-014296505597bf519");
        assertThat(finding.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(finding.region()).isEqualTo("us-east-1");
    }

    @Test
    void theRunLogIsSummarizedAndARunWithOnlyErrorsFailsSayingWhy(@TempDir Path dir) throws Exception {
        ParsedReport.sample("custodian/test-policy/custodian-run.log", dir, "test-policy/custodian-run.log");

        // the log: 13 policy runs (all count:0), 5 ERROR lines "Error while executing policy", no resources.json
        assertThatThrownBy(() -> ParsedReport.of(parser, dir)).isInstanceOf(io.nubicustos.processor.report.ReportException.class)
                .hasMessageContaining("the run log has 5 error(s), first: Error while executing policy");

        ParsedReport.sample("custodian/ec2-running-instances/resources.json", dir, "ec2-running-instances/resources.json");
        assertThat(ParsedReport.of(parser, dir).summary()).endsWith("run log: 13 policy run(s), 5 error(s)");
    }

    @Test
    void thePolicysOwnSeverityRegionLevelAndAccountWin(@TempDir Path dir) throws Exception {
        ParsedReport.sample("custodian/ec2-running-instances/resources.json", dir, "eu-west-1/ec2-running-instances/resources.json");
        Files.writeString(dir.resolve("eu-west-1/ec2-running-instances/metadata.json"), """
                {"policy": {"name": "ec2-running-instances", "resource": "aws.ec2", "description": "Instances must not run unattended",
                            "metadata": {"severity": "high"}},
                 "config": {"region": "us-east-1", "account_id": "123456789012"}}
                """);

        Finding finding = ParsedReport.of(parser, dir).findings().get(0);

        assertThat(finding.severity()).isEqualTo(Severity.HIGH);
        assertThat(finding.region()).isEqualTo("eu-west-1");
        assertThat(finding.account()).isEqualTo("123456789012");
        assertThat(finding.title()).isEqualTo("Instances must not run unattended");
        assertThat(finding.service()).isEqualTo("aws.ec2");
    }
}
