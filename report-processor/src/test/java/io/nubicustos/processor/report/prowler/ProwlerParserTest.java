package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.testsupport.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counts below were read off the sample files by hand, not produced by this parser. */
class ProwlerParserTest {

    private final ProwlerParser parser = new ProwlerParser();

    @Test
    void prowler421MutedFailuresAreKeptAsSuppressed(@TempDir Path dir) throws Exception {
        copy("prowler/prowler421_aws_many_vuln_muted.ocsf.json", dir, "prowler-output-123456789012-20240603141519.ocsf.json");

        List<Finding> findings = parse(dir);

        // 3 records, all status_code FAIL with status "Suppressed", severity High
        assertThat(findings).hasSize(3);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.status()).isEqualTo(FindingStatus.SUPPRESSED);
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.account()).isEqualTo("123456789012");
            assertThat(f.tool()).isEqualTo("prowler");
        });
        Finding first = findings.get(0);
        assertThat(first.checkId()).isEqualTo("iam_role_administratoraccess_policy_permissive_trust_relationship");
        assertThat(first.resourceId()).isEqualTo("arn:aws:iam::123456789012:role/myAdministratorExecutionRole");
        assertThat(first.region()).isEqualTo("us-east-1");
        assertThat(first.service()).isEqualTo("iam");
        assertThat(first.description()).startsWith("IAM Role myAdministratorExecutionRole has AdministratorAccess");
        assertThat(first.observedAt()).hasToString("2024-06-03T14:15:19.382075Z");
    }

    @Test
    void prowler5FailAndManualRows(@TempDir Path dir) throws Exception {
        copy("prowler/prowler5_example_output_aws.ocsf.json", dir, "out.ocsf.json");

        List<Finding> findings = parse(dir);

        // 5 records: FAIL/Low 1, FAIL/Medium 1, MANUAL/Medium 3; no PASS
        assertThat(findings).hasSize(5);
        assertThat(findings).filteredOn(f -> f.status() == FindingStatus.FAIL).extracting(Finding::severity)
                .containsExactlyInAnyOrder(Severity.LOW, Severity.MEDIUM);
        assertThat(findings).filteredOn(f -> f.status() == FindingStatus.MANUAL).hasSize(3)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
    }

    @Test
    void fingerprintsAreStableAcrossRuns(@TempDir Path dir) throws Exception {
        copy("prowler/prowler5_example_output_aws.ocsf.json", dir, "a.ocsf.json");
        List<String> first = parse(dir).stream().map(Finding::fingerprint).toList();
        List<String> second = parse(dir).stream().map(Finding::fingerprint).toList();
        assertThat(first).isEqualTo(second);
    }

    @Test
    void aTruncatedReportNamesTheFileAndPosition(@TempDir Path dir) throws Exception {
        String whole = Files.readString(Samples.file("prowler/prowler421_aws_many_vuln_muted.ocsf.json"));
        Files.writeString(dir.resolve("cut.ocsf.json"), whole.substring(0, whole.length() / 2));

        assertThatThrownBy(() -> parse(dir))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("cut.ocsf.json at line");
    }

    @Test
    void aReportThatIsNotAnArrayIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.ocsf.json"), "{\"status_code\": \"FAIL\"}");

        assertThatThrownBy(() -> parse(dir)).isInstanceOf(ReportException.class)
                .hasMessageContaining("x.ocsf.json at line 1, column 1").hasMessageContaining("expected a JSON array");
    }

    @Test
    void aMissingReportSaysWhereItLooked(@TempDir Path dir) {
        assertThatThrownBy(() -> parse(dir)).isInstanceOf(ReportException.class)
                .hasMessageContaining("no Prowler report (*.ocsf.json, *.csv, *.asff.json or Prowler 3 *.json)");
    }

    @Test
    void aSymlinkOutOfTheReportDirectoryIsNotRead(@TempDir Path dir, @TempDir Path outside) throws Exception {
        copy("prowler/prowler5_example_output_aws.ocsf.json", outside, "secret.ocsf.json");
        Files.createSymbolicLink(dir.resolve("link.ocsf.json"), outside.resolve("secret.ocsf.json"));

        assertThatThrownBy(() -> parse(dir)).isInstanceOf(ReportException.class)
                .hasMessageContaining("no Prowler report");
    }

    private List<Finding> parse(Path dir) throws ReportException {
        List<Finding> findings = new ArrayList<>();
        parser.parse(dir, findings::add);
        return findings;
    }

    private static void copy(String sample, Path dir, String name) throws IOException {
        Files.copy(Samples.file(sample), dir.resolve(name));
    }
}
