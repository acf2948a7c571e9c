package io.nubicustos.processor.report.cloudmapper;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written fixture of {@code cloudmapper audit --json} as saved from stdout (see src/test/resources/fixtures/README.md). */
class CloudMapperParserTest {

    private final CloudMapperParser parser = new CloudMapperParser();

    @Test
    void eachAuditLineIsAFindingWithItsTypesSeverityAndMutedTypesAreSuppressed(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("src/test/resources/fixtures/cloudmapper/audit.jsonl"), dir.resolve("audit.jsonl"));

        ParsedReport report = ParsedReport.of(parser, dir);

        assertThat(report.summary()).isEqualTo("read 3 CloudMapper audit finding(s); 1 non-JSON output line(s) skipped");
        assertThat(report.severities(FindingStatus.FAIL)).isEqualTo(Map.of(Severity.HIGH, 1L, Severity.MEDIUM, 1L));
        assertThat(report.count(FindingStatus.SUPPRESSED)).as("MUTE").isEqualTo(1);
        Finding policy = report.findings().get(0);
        assertThat(policy.checkId()).isEqualTo("S3_PUBLIC_POLICY");
        assertThat(policy.title()).isEqualTo("S3 bucket has a public policy");
        assertThat(policy.account()).isEqualTo("123456789012");
        assertThat(policy.region()).isEqualTo("us-east-1");
        assertThat(policy.service()).isEqualTo("S3");
        assertThat(policy.resourceId()).isEqualTo("public-assets-123456789012");
        assertThat(policy.description()).contains("allows anyone to read").contains("\"Principal\":\"*\"");
    }
}
