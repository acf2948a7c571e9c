package io.nubicustos.model.scan;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.finding.Severity;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ScanPlannerTest {

    private final ToolCatalog catalog = ToolCatalog.builtIn();
    private final ScanPlanner planner = new ScanPlanner(catalog);
    private final UUID scanId = UUID.fromString("b52207f4-592d-4fa0-9ec7-d142bb62ee6d");

    @Test
    void quickProfileAppendsItsProwlerOptionsToTheDefaultCommand() {
        List<StepPlan> plan = planner.plan(catalog.profile("quick").orElseThrow(), "default", Set.of(), scanId);

        assertThat(plan).hasSize(1);
        StepPlan prowler = plan.get(0);
        assertThat(prowler.command()).containsExactly("aws", "--output-formats", "json-ocsf", "html", "csv",
                "--output-directory", "/reports", "--severity", "critical", "high");
        assertThat(prowler.environment()).containsEntry("SCAN_ID", scanId.toString()).containsEntry("AWS_PROFILE", "default");
        assertThat(prowler.containerNamePattern()).isEqualTo("prowler-scan-{execution_id}");
    }

    @Test
    void aRequestedSeverityFilterReplacesTheProfilesAndIsPassedOnlyToToolsThatTakeOne() {
        List<StepPlan> plan = planner.plan(catalog.profile("quick").orElseThrow(), "audit",
                EnumSet.of(Severity.MEDIUM, Severity.CRITICAL, Severity.INFO), scanId);

        assertThat(plan.get(0).command()).endsWith("--severity", "critical", "medium", "informational");
        assertThat(plan.get(0).command()).containsOnlyOnce("--severity");

        List<StepPlan> compliance = planner.plan(catalog.profile("compliance-only").orElseThrow(), "audit",
                EnumSet.of(Severity.HIGH), scanId);
        assertThat(compliance.get(1).tool()).isEqualTo("scoutsuite");
        assertThat(compliance.get(1).command()).doesNotContain("--severity")
                .containsSequence("--profile", "audit").endsWith("--ruleset", "cis-1.2.0");
        assertThat(compliance.get(0).command()).endsWith("--compliance", "cis_2.0_aws", "soc2_aws", "pci_3.2.1_aws",
                "--severity", "high");
    }

    @Test
    void withoutFlagDropsTheFlagAndItsValuesOnly() {
        assertThat(ScanPlanner.withoutFlag(List.of("-a", "--severity", "high", "low", "--x", "y"), "--severity"))
                .containsExactly("-a", "--x", "y");
    }
}
