package io.nubicustos.testsupport.facts;

import io.nubicustos.model.catalog.CatalogException;
import io.nubicustos.model.catalog.ToolCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in catalog against the tools' own sources (the fact sheets under {@code tool-facts/}, each fact with the
 * repository, commit and file:line it came from), and the catalog as it was before it was read against them, which
 * the same check refuses for each thing that was wrong with it.
 */
class ToolFactsContractTest {

    private static final Path REPOSITORY = CatalogContract.repositoryRoot();

    @Test
    void theBuiltInCatalogKeepsToEveryToolsOwnFacts() {
        assertThat(CatalogContract.violations(ToolCatalog.builtIn(), REPOSITORY)).isEmpty();
    }

    @Test
    void everyBuiltInToolHasASheetReadAtAPinnedCommit() {
        for (var tool : ToolCatalog.builtIn().tools()) {
            ToolFacts facts = ToolFacts.require(tool.name());
            assertThat(facts.commit()).as(tool.name()).matches("[0-9a-f]{40}");
            assertThat(facts.repository()).as(tool.name()).matches("[\\w.-]+/[\\w.-]+");
            assertThat(facts.image().uid()).as(tool.name() + " uid").isGreaterThanOrEqualTo(0);
            assertThat(facts.image().home()).as(tool.name() + " HOME").startsWith("/");
            assertThat(facts.image().entrypoint()).as(tool.name() + " entrypoint").isNotEmpty();
            assertThat(facts.logStream()).as(tool.name() + " log stream").isIn("stdout", "stderr", "both");
            assertThat(facts.exitCodes()).as(tool.name() + " exit codes").containsKey(0);
        }
    }

    @Test
    void theCatalogBeforeItWasReadAgainstTheSourcesFailsOnEachThingThatWasWrong() {
        // its Pacu step ran iam__privesc_scan without --scan-only: it would attach AdministratorAccess when it could
        assertThatThrownBy(() -> ToolCatalog.load(CatalogBefore.file())).isInstanceOf(CatalogException.class)
                .hasMessageContaining("tool 'pacu': Pacu module iam__privesc_scan runs only with --module-args=--scan-only");
        ToolCatalog before = CatalogBefore.withSafePacu();

        List<String> violations = CatalogContract.violations(before, REPOSITORY);

        assertThat(violations).as(String.join("\n", violations)).anySatisfy(v -> assertThat(v)
                        // Prowler 4.2.4 has pci_3.2.1_aws; pci_4.0_aws arrives in 5.5: argparse exits 2
                        .startsWith("prowler: invalid choice 'pci_dss_v4.0_aws' for --compliance"))
                .anySatisfy(v -> assertThat(v).startsWith("scoutsuite: image opendevsecops/scoutsuite:5.12.0 is not nubicustos/scoutsuite"))
                // ScoutSuite's AWS rulesets are cis-1.2.0, default, detailed, filters: 'cis' scans everything, then exits 108
                .anySatisfy(v -> assertThat(v).startsWith("scoutsuite: invalid choice 'cis' for --ruleset"))
                .anySatisfy(v -> assertThat(v).startsWith("scoutsuite: the command repeats the entrypoint [scout]"))
                .anySatisfy(v -> assertThat(v).startsWith("scoutsuite: credentials are mounted at /root/.aws, which uid 1000 cannot reach"))
                .anySatisfy(v -> assertThat(v).startsWith("cloudfox: image bishopfox/cloudfox:1.14.2 is not nubicustos/cloudfox"))
                .anySatisfy(v -> assertThat(v).startsWith("cloudsploit: image cloudsploit:local is not nubicustos/cloudsploit"))
                .anySatisfy(v -> assertThat(v).startsWith("cloud-custodian: image cloudcustodian/c7n:0.9.34 is not nubicustos/cloud-custodian"))
                .anySatisfy(v -> assertThat(v).startsWith("cloudmapper: image cloudmapper:local is not nubicustos/cloudmapper"))
                .anySatisfy(v -> assertThat(v).startsWith("cartography: credentials are mounted at /root/.aws, which uid 10001 cannot reach"))
                .anySatisfy(v -> assertThat(v).startsWith("cartography: logs on stderr but its report cartography-sync.log keeps stdout only"))
                .anySatisfy(v -> assertThat(v).startsWith("pacu: tag 1.6.0 is not one the project publishes"))
                .anySatisfy(v -> assertThat(v).startsWith("enumerate-iam: image enumerate-iam:local is not nubicustos/enumerate-iam"))
                .anySatisfy(v -> assertThat(v).startsWith("enumerate-iam: logs on stderr but its report enumerate-iam.log keeps stdout only"))
                .anySatisfy(v -> assertThat(v).startsWith("kubescape: image quay.io/armosec/kubescape:v3.0.8 is not quay.io/kubescape/kubescape-cli"))
                .anySatisfy(v -> assertThat(v).startsWith("kubescape: credentials are mounted at /root/.kube, which uid 65532 cannot reach"));
    }

    @Test
    void aFlagTheToolDoesNotHaveOrAChoiceItRefusesIsNamed() {
        ToolFacts prowler = ToolFacts.require("prowler");

        assertThat(CommandLine.problems(prowler, List.of("aws", "--output-formats", "json-ocsf", "--quiet")))
                .containsExactly("unknown flag --quiet of 'aws'");
        assertThat(CommandLine.problems(prowler, List.of("aws", "--severity", "critical", "urgent")))
                .singleElement().asString().startsWith("invalid choice 'urgent' for --severity of 'aws'");
        assertThat(CommandLine.problems(prowler, List.of("aws", "--output-directory"))).containsExactly("flag --output-directory of 'aws' needs a value");
        assertThat(CommandLine.problems(prowler, List.of("aws", "-M", "csv", "-o", "/reports", "--severity", "high"))).isEmpty();
        assertThat(CommandLine.problems(ToolFacts.require("cloudfox"), List.of("aws", "--profile", "{aws_profile}", "all-checks", "--outdir", "/r")))
                .as("cobra takes a parent's flags before the subcommand's word").isEmpty();
    }

    @Test
    void aPasswordReadFromAVariableTheWorkerDoesNotPassIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path overlay = dir.resolve("overlay.yaml");
        java.nio.file.Files.writeString(overlay, "tools:\n  cartography: {passed_environment: []}\n");
        ToolCatalog withoutPassword = ToolCatalog.load(null, overlay.toString());

        assertThat(CatalogContract.violations(withoutPassword, REPOSITORY)).anySatisfy(v -> assertThat(v)
                .startsWith("cartography: --neo4j-password-env-var NEO4J_PASSWORD names a variable the container never has"));
    }

    @Test
    void theModulesACatalogMayGivePacuAreTheOnesItsSourceShowsOnlyRead() {
        List<String> sheet = new java.util.ArrayList<>();
        ToolFacts.require("pacu").raw().path("read_only_modules").forEach(m -> sheet.add(m.path("name").asString()));

        assertThat(sheet).containsAll(io.nubicustos.model.catalog.PacuModules.READ_ONLY);
        assertThat(sheet).as("the only read-only modules left out: they copy secrets into the report")
                .containsExactlyInAnyOrderElementsOf(concat(io.nubicustos.model.catalog.PacuModules.READ_ONLY,
                        List.of("secrets__enum", "systemsmanager__download_parameters", "ec2__download_userdata")));
        assertThat(PacuModulesCategories.of(ToolFacts.require("pacu"), sheet)).as("every read-only module is ENUM or RECON_UNAUTH")
                .allMatch(c -> c.equals("ENUM") || c.equals("RECON_UNAUTH"));
    }

    private static List<String> concat(java.util.Collection<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The category each named module has in the sheet's {@code modules} map. */
    private static final class PacuModulesCategories {
        static List<String> of(ToolFacts facts, List<String> names) {
            return names.stream().map(n -> facts.raw().path("modules").path(n).isObject()
                    ? facts.raw().path("modules").path(n).path("category").asString()
                    : facts.raw().path("modules").path(n).asString()).toList();
        }
    }
}
