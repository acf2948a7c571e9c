package io.nubicustos.model.scan;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ScanProfile;

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
    void aScopeReachesEachToolThroughItsOwnFlagsAndWhatAToolCannotTakeIsSaid() {
        ScanScope scope = new ScanScope(List.of("eu-west-1", "us-east-1"), List.of("s3"), List.of(), List.of("cis"));
        ScanProfile comprehensive = catalog.profile("comprehensive").orElseThrow();

        List<StepPlan> plan = planner.plan(comprehensive, "audit", Set.of(), ResourceLimits.NONE, scope, scanId);

        StepPlan prowler = plan.get(0);
        assertThat(prowler.command()).endsWith("--region", "eu-west-1", "us-east-1", "--service", "s3").doesNotContain("--compliance");
        assertThat(prowler.environment()).as("the first region, for the SDKs").containsEntry("AWS_DEFAULT_REGION", "eu-west-1");
        StepPlan scoutsuite = plan.get(1);
        assertThat(scoutsuite.command()).endsWith("--regions", "eu-west-1", "us-east-1", "--services", "s3", "--ruleset", "cis-1.2.0");
        StepPlan custodian = plan.get(4);
        assertThat(custodian.command()).endsWith("/policies/policies.yml", "--region", "eu-west-1", "--region", "us-east-1");
        assertThat(plan.get(2).command()).as("cloudfox takes none of it").doesNotContain("eu-west-1");

        var notHonoured = planner.notHonoured(comprehensive, scope);
        assertThat(notHonoured.get("prowler")).containsExactly(
                "prowler takes one of checks, services and frameworks at a time: services are passed, frameworks are not");
        assertThat(notHonoured.get("cloudfox")).containsExactly("cloudfox cannot be limited to regions: it scans them all",
                "cloudfox cannot be limited to services: it scans them all", "cloudfox cannot be limited to frameworks: it scans them all");
        assertThat(notHonoured).doesNotContainKey("scoutsuite");
    }

    @Test
    void aRequestedCheckReplacesTheProfilesFrameworksForAToolThatTakesOneOfThem() {
        ScanScope scope = new ScanScope(List.of(), List.of(), List.of("iam_root_mfa_enabled"), List.of());

        List<StepPlan> plan = planner.plan(catalog.profile("compliance-only").orElseThrow(), "audit", Set.of(), ResourceLimits.NONE, scope, scanId);

        assertThat(plan.get(0).command()).endsWith("--check", "iam_root_mfa_enabled").doesNotContain("--compliance", "cis_2.0_aws");
        assertThat(plan.get(0).environment()).doesNotContainKey("AWS_DEFAULT_REGION");
        assertThat(plan.get(1).command()).as("scoutsuite keeps the profile's ruleset").endsWith("--ruleset", "cis-1.2.0");
        assertThat(planner.notHonoured(catalog.profile("compliance-only").orElseThrow(), scope).get("scoutsuite"))
                .containsExactly("scoutsuite cannot be limited to checks: it scans them all");
    }

    @Test
    void aFrameworkTheToolDoesNotKnowIsSaidAndNotPassed() {
        ScanScope scope = new ScanScope(List.of(), List.of(), List.of(), List.of("hipaa"));

        List<StepPlan> plan = planner.plan(catalog.profile("compliance-only").orElseThrow(), "audit", Set.of(), ResourceLimits.NONE, scope, scanId);

        assertThat(plan.get(1).command()).as("the profile's ruleset stays").endsWith("--ruleset", "cis-1.2.0");
        assertThat(planner.notHonoured(catalog.profile("compliance-only").orElseThrow(), scope).get("scoutsuite"))
                .containsExactly("scoutsuite has no framework 'hipaa' (it knows cis, cis-1.2.0)");
        assertThat(plan.get(0).command()).as("prowler passes it to --compliance, whose choices are Prowler's")
                .endsWith("--compliance", "hipaa");
    }

    @Test
    void aToolWhoseServiceIsNotConfiguredIsLeftOutSayingWhyAndOneThatIsGetsItsAddress() {
        ScanProfile comprehensive = catalog.profile("comprehensive").orElseThrow();

        assertThat(planner.plan(comprehensive, "audit", Set.of(), scanId)).extracting(StepPlan::tool).doesNotContain("cartography").hasSize(6);
        assertThat(planner.leftOut(comprehensive)).containsOnlyKeys("cartography");
        assertThat(planner.leftOut(comprehensive).get("cartography")).contains("needs neo4j").contains("nubicustos.tool-services.neo4j");

        ScanPlanner withGraph = new ScanPlanner(catalog, java.util.Map.of("neo4j", "bolt://graph.internal:7687"));
        StepPlan cartography = withGraph.plan(comprehensive, "audit", Set.of(), scanId).get(6);
        assertThat(cartography.tool()).isEqualTo("cartography");
        assertThat(cartography.command()).containsExactly("--neo4j-uri", "bolt://graph.internal:7687", "--neo4j-user", "neo4j",
                "--neo4j-password-env-var", "NEO4J_PASSWORD");
        // why: the password is the worker's, passed by name: never in the catalog, the plan or the database
        assertThat(cartography.passedEnvironment()).containsExactly("NEO4J_PASSWORD");
        assertThat(cartography.environment()).doesNotContainKey("NEO4J_PASSWORD");
        assertThat(withGraph.leftOut(comprehensive)).isEmpty();
    }

    @Test
    void withoutFlagDropsTheFlagAndItsValuesOnly() {
        assertThat(ScanPlanner.withoutFlag(List.of("-a", "--severity", "high", "low", "--x", "y"), "--severity"))
                .containsExactly("-a", "--x", "y");
    }
}
