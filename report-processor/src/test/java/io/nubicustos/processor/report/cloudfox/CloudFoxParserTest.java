package io.nubicustos.processor.report.cloudfox;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ParsedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written fixture of CloudFox 1.14.2's json/ tables (see src/test/resources/fixtures/README.md). */
class CloudFoxParserTest {

    private final CloudFoxParser parser = new CloudFoxParser();

    @Test
    void publicResourcesAdminPrincipalsAndSecretsInEnvironmentAreFindingsTheRestInventory(@TempDir Path dir) throws Exception {
        copyFixture("cloudfox", dir);

        ParsedReport report = ParsedReport.of(parser, dir);

        // 6 rows in 4 module files: a public bucket, an admin role trust, a secret-looking variable; 3 inventory rows
        assertThat(report.summary()).isEqualTo("read 6 CloudFox table row(s) from 4 module file(s); 3 derived finding(s), the rest is inventory");
        assertThat(report.findings()).extracting(Finding::checkId).containsExactlyInAnyOrder(
                "buckets:public-resource", "role-trusts-principals:admin-or-privesc-principal", "env-vars-interesting:secret-in-environment");
        assertThat(report.findings()).allSatisfy(finding -> {
            assertThat(finding.tool()).isEqualTo("cloudfox");
            assertThat(finding.severity()).isEqualTo(Severity.HIGH);
            assertThat(finding.status()).isEqualTo(FindingStatus.FAIL);
            assertThat(finding.account()).isEqualTo("123456789012");
        });
        assertThat(report.findings()).filteredOn(f -> f.checkId().startsWith("role-trusts")).singleElement()
                .extracting(Finding::resourceId).isEqualTo("arn:aws:iam::123456789012:role/OrganizationAccountAccessRole");
        assertThat(report.findings()).filteredOn(f -> f.checkId().startsWith("buckets")).singleElement()
                .satisfies(f -> assertThat(f.region()).isEqualTo("us-east-1"));
    }

    @Test
    void aSecretInAnEnvironmentVariableIsKeptAsItsNameAndAShortHashNeverWhole(@TempDir Path dir) throws Exception {
        copyFixture("cloudfox", dir);
        String secret = "sk_live_51HxQ2fLkQ7RvW3tYm9pZcN8aB";
        Path file;
        try (Stream<Path> files = Files.walk(dir)) {
            file = files.filter(p -> p.getFileName().toString().equals("env-vars-interesting.json")).findFirst().orElseThrow();
        }
        Files.writeString(file, Files.readString(file).replace("sk_live_redacted", secret));

        Finding finding = ParsedReport.of(parser, dir).findings().stream().filter(f -> f.checkId().startsWith("env-vars")).findFirst()
                .orElseThrow();

        assertThat(finding.toString()).doesNotContain(secret).doesNotContain("sk_live");
        assertThat(finding.description()).contains("STRIPE_SECRET_KEY").contains("[withheld: " + secret.length() + " characters, sha256 ");
    }

    @Test
    void theBoxDrawnTablesAreNotRead(@TempDir Path dir) throws Exception {
        copyFixture("cloudfox", dir);
        try (Stream<Path> json = Files.walk(dir)) {
            for (Path file : json.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.delete(file);
            }
        }

        assertThat(ParsedReport.of(parser, dir).findings()).isEmpty();
    }

    static void copyFixture(String name, Path dir) throws IOException {
        Path fixture = Path.of("src/test/resources/fixtures", name);
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path source : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(fixture.relativize(source).toString());
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
