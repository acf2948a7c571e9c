package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.processor.report.kubescape.KubescapeParser;
import io.nubicustos.processor.report.scoutsuite.ScoutSuiteParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the parsers report as passed (kept for consensus and compliance), counted off the samples by a script. */
class PassingResultsTest {

    @Test
    void aScoutSuiteRuleThatCheckedItemsAndFlaggedNonePassesOnTheWholeAccount(@TempDir Path dir) throws Exception {
        ParsedReport.sample("scoutsuite/scoutsuite_results_aws-430150006394.js", dir, "scoutsuite-results/scoutsuite_results_aws-430150006394.js");
        Collected collected = collect(new ScoutSuiteParser(), dir);

        // 45 rules with checked_items > 0 and flagged_items 0
        assertThat(collected.passes).hasSize(45).allMatch(p -> p.endsWith("@null"));
        assertThat(collected.passes).contains("ec2-default-security-group-in-use@null");
    }

    @Test
    void aKubescapeControlThatPassedOnAResourceIsAPassAndItsFrameworksAreTheFindingsCompliance(@TempDir Path dir) throws Exception {
        ParsedReport.sample("kubescape/kubescape_v3.0.3_with_a_failure.json", dir, "kubescape-results.json");
        Collected collected = collect(new KubescapeParser(), dir);

        assertThat(collected.passes).hasSize(15);
        // summaryDetails.frameworks: C-0030 and C-0055 are NSA's, C-0260 ClusterScan's
        assertThat(collected.findings).filteredOn(f -> f.checkId().equals("C-0030")).extracting(Finding::compliance)
                .containsExactly(Map.of("NSA", List.of("C-0030")));
        assertThat(collected.findings).filteredOn(f -> f.checkId().equals("C-0260")).extracting(Finding::compliance)
                .containsExactly(Map.of("ClusterScan", List.of("C-0260")));
    }

    private record Collected(List<Finding> findings, List<String> passes) {
    }

    private static Collected collect(ReportParser parser, Path dir) throws ReportException {
        Collected collected = new Collected(new ArrayList<>(), new ArrayList<>());
        parser.parse(dir, new FindingSink() {
            @Override
            public void accept(Finding finding) {
                collected.findings.add(finding);
            }

            @Override
            public void passed(String checkId, String resourceId, String region, Map<String, List<String>> compliance) {
                collected.passes.add(checkId + "@" + resourceId);
            }
        });
        return collected;
    }
}
