package io.nubicustos.processor.report.ocsf;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Prowler's real OCSF 1.4.0 examples for Azure and GCP (test-support byo-samples/SOURCES.md: prowler-cloud/prowler at
 * 5.39.1, examples/output/): Azure 5 FAIL (Low 1, Medium 3, High 1); GCP 3 PASS and 2 FAIL (Medium 2, Critical 3).
 */
class OcsfParserTest {

    private final OcsfParser parser = new OcsfParser();

    @Test
    void azureDetectionFindingsAreTheNamedToolsFindings(@TempDir Path dir) throws Exception {
        copy("prowler/prowler-example-output-azure.ocsf.json", dir.resolve("prowler-output-contoso-20250214000000.ocsf.json"));
        List<Finding> findings = new ArrayList<>();

        parser.parse(dir, "prowler-azure", findings::add);

        assertThat(findings).hasSize(5).allMatch(f -> f.tool().equals("prowler-azure") && f.status() == FindingStatus.FAIL);
        assertThat(findings).extracting(Finding::severity).containsExactlyInAnyOrder(Severity.LOW, Severity.MEDIUM, Severity.MEDIUM,
                Severity.MEDIUM, Severity.HIGH);
        Finding first = findings.get(0);
        assertThat(first.checkId()).isEqualTo("appinsights_ensure_is_configured");
        assertThat(first.resourceId()).isEqualTo("AppInsights");
        assertThat(first.account()).isEqualTo("<subscription_uid>");
        assertThat(first.observedAt()).as("seconds, as Prowler writes them").isEqualTo(Instant.ofEpochSecond(1739539650));
    }

    @Test
    void passesAreKeptAsPasses(@TempDir Path dir) throws Exception {
        copy("prowler/prowler-example-output-gcp.ocsf.json", dir.resolve("gcp.ocsf.json"));
        List<Finding> findings = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        String summary = parser.parse(dir, "prowler-gcp", new FindingSink() {
            @Override
            public void accept(Finding finding) {
                findings.add(finding);
            }

            @Override
            public void passed(String checkId, String resourceId, String region, Map<String, List<String>> compliance) {
                passes.add(checkId);
            }
        });

        assertThat(findings).hasSize(2);
        assertThat(passes).hasSize(3).contains("apikeys_key_exists");
        assertThat(summary).contains("2 failed", "3 passed");
    }

    @Test
    void otherProducersFieldsAndOtherClasses(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("events.json"), """
                [{"class_uid": 3002, "activity_id": 1},
                 {"class_uid": 2004, "severity_id": 5, "status_id": 3, "time": 1739539650000,
                  "finding_info": {"uid": "one-of-a-kind", "title": "Bucket is public", "analytic": {"uid": "s3-public"}},
                  "compliance": {"standards": ["CIS AWS 1.4"], "requirements": ["2.1.5"]},
                  "resources": [{"name": "logs", "type": "AWS::S3::Bucket"}], "cloud": {"region": "eu-west-1", "account": {"uid": "123456789012"}}}]
                """);
        List<Finding> findings = new ArrayList<>();

        String summary = parser.parse(dir, "x", findings::add);

        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.checkId()).as("the analytic, never the finding's own uid").isEqualTo("s3-public");
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.status()).as("status_id 3: suppressed").isEqualTo(FindingStatus.SUPPRESSED);
        assertThat(f.resourceId()).isEqualTo("logs");
        assertThat(f.region()).isEqualTo("eu-west-1");
        assertThat(f.compliance()).isEqualTo(Map.of("CIS AWS 1.4", List.of("2.1.5")));
        assertThat(f.observedAt()).as("milliseconds, as OCSF says").isEqualTo(Instant.ofEpochSecond(1739539650));
        assertThat(summary).contains("1 of classes other than Detection Finding left out");

        Files.writeString(dir.resolve("events.json"), "[{\"class_uid\": 2004, \"status_code\": \"skipped\", \"finding_info\": {\"title\": \"t\"}},"
                + " {\"class_uid\": 2004, \"status_id\": 4, \"finding_info\": {\"title\": \"fixed\"}}]");
        List<Finding> free = new ArrayList<>();
        assertThat(parser.parse(dir, "x", free::add)).contains("1 resolved left out");
        assertThat(free).singleElement().extracting(Finding::status).as("a word we do not know asks for review").isEqualTo(FindingStatus.MANUAL);
        Files.writeString(dir.resolve("events.json"), "[{\"class_uid\": 2004}]");
        assertThatThrownBy(() -> parser.parse(dir, "x", x -> { })).isInstanceOf(ReportException.class).hasMessageContaining("finding without");
        Files.writeString(dir.resolve("events.json"), "{\"class_uid\": 2004}");
        assertThatThrownBy(() -> parser.parse(dir, "x", x -> { })).isInstanceOf(ReportException.class).hasMessageContaining("JSON array");
    }

    static void copy(String byoSample, Path target) throws IOException {
        try (InputStream in = OcsfParserTest.class.getClassLoader().getResourceAsStream("byo-samples/" + byoSample)) {
            assertThat(in).as("byo-samples/" + byoSample).isNotNull();
            Files.copy(in, target);
        }
    }
}
