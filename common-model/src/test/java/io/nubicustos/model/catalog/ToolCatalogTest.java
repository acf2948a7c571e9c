package io.nubicustos.model.catalog;

import io.nubicustos.model.scan.ScanPlanner;
import io.nubicustos.model.scan.StepPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolCatalogTest {

    @Test
    void builtInCatalogHasTheSpecificationsTenToolsAndThreeProfiles() {
        ToolCatalog catalog = ToolCatalog.builtIn();

        assertThat(catalog.tools()).extracting(ToolDefinition::name).containsExactly(
                "prowler", "scoutsuite", "cloudfox", "cloudsploit", "cloud-custodian", "cloudmapper",
                "cartography", "pacu", "enumerate-iam", "kubescape");
        assertThat(catalog.profiles()).extracting(ScanProfile::name)
                .containsExactly("quick", "comprehensive", "compliance-only");
        assertThat(catalog.profile("comprehensive").orElseThrow().tools()).containsExactly(
                "prowler", "scoutsuite", "cloudfox", "cloudsploit", "cloud-custodian", "cloudmapper", "cartography");

        ToolDefinition prowler = catalog.requireTool("prowler");
        assertThat(prowler.image()).isEqualTo("toniblyx/prowler:4.2.4");
        assertThat(prowler.containerNamePrefix()).isEqualTo("prowler-scan");
        assertThat(prowler.expectedExitCodes()).containsExactly(0, 1, 3);
        assertThat(prowler.network()).isEqualTo("nubicustos_security-net");
        assertThat(prowler.defaultCommand()).containsExactly(
                "aws", "--output-formats", "json-ocsf", "html", "csv", "--output-directory", "/reports");
        assertThat(catalog.requireTool("kubescape").image()).isEqualTo("quay.io/kubescape/kubescape-cli:v3.0.8");
        assertThat(catalog.requireTool("scoutsuite").imageSource()).isEqualTo("infra/images/tools/scoutsuite");
        assertThat(catalog.requireTool("cartography").reportStreams()).containsExactly("stdout", "stderr");
    }

    @Test
    void anOperatorsFileReplacesTheBuiltInOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                tools:
                  prowler:
                    image: toniblyx/prowler:5.0.0
                    container_name_prefix: prowler-scan
                    report_path: /reports
                    default_command: [aws]
                    expected_exit_codes: [0, 3]
                    report_format: prowler-ocsf
                profiles:
                  nightly:
                    description: Prowler only, every night
                    duration_estimate: 10 minutes
                    tools: [prowler]
                """);

        ToolCatalog catalog = ToolCatalog.loadOrBuiltIn(file.toString());

        assertThat(catalog.requireTool("prowler").image()).isEqualTo("toniblyx/prowler:5.0.0");
        assertThat(catalog.profiles()).extracting(ScanProfile::name).containsExactly("nightly");
    }

    @Test
    void anOverlayChangesOnlyTheFieldsItNamesAndAddsWhatTheCatalogLacks(@TempDir Path dir) throws IOException {
        Path overlay = dir.resolve("overlay.yaml");
        Files.writeString(overlay, """
                tools:
                  prowler: {image: "mirror.example/prowler:4.2.4", environment: {HTTPS_PROXY: "http://proxy:3128"}}
                  trivy: {image: "aquasec/trivy:0.50.0", container_name_prefix: trivy, report_path: /r, expected_exit_codes: [0], report_format: sarif}
                profiles:
                  quick: {tool_options: {prowler: [--severity, critical]}}
                """);

        ToolCatalog catalog = ToolCatalog.load(null, overlay.toString());

        ToolDefinition prowler = catalog.requireTool("prowler");
        assertThat(prowler.image()).isEqualTo("mirror.example/prowler:4.2.4");
        assertThat(prowler.environment()).containsEntry("HTTPS_PROXY", "http://proxy:3128")
                .as("maps merge key by key").containsEntry("HOME", "/home/prowler");
        assertThat(prowler.defaultCommand()).isEqualTo(ToolCatalog.builtIn().requireTool("prowler").defaultCommand());
        assertThat(catalog.requireTool("trivy").image()).isEqualTo("aquasec/trivy:0.50.0");
        assertThat(catalog.profile("quick").orElseThrow().toolOptions().get("prowler")).as("lists replace").containsExactly("--severity", "critical");
        assertThat(catalog.profile("quick").orElseThrow().tools()).containsExactly("prowler");
    }

    @Test
    void severalOverlaysAreLaidInTheirOrder(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("images.yaml");
        Files.writeString(images, "tools:\n  prowler: {image: \"mirror.example/prowler:4.2.4\"}\n");
        Path added = dir.resolve("added.yaml");
        Files.writeString(added, """
                tools:
                  prowler: {environment: {HTTPS_PROXY: "http://proxy:3128"}}
                  checkov: {image: "bridgecrew/checkov:3.3.13", container_name_prefix: checkov, report_path: /reports,
                            expected_exit_codes: [0, 1], report_format: sarif}
                """);

        ToolCatalog catalog = ToolCatalog.load(null, images + ", " + added);

        assertThat(catalog.requireTool("prowler").image()).isEqualTo("mirror.example/prowler:4.2.4");
        assertThat(catalog.requireTool("prowler").environment()).containsEntry("HTTPS_PROXY", "http://proxy:3128");
        assertThat(catalog.requireTool("checkov").reportFormat()).isEqualTo("sarif");
    }

    @Test
    void anOverlayThatBreaksTheCatalogIsRefusedLikeABrokenCatalog(@TempDir Path dir) throws IOException {
        Path overlay = dir.resolve("overlay.yaml");
        Files.writeString(overlay, "tools:\n  prowler: {report_path: relative/path}\n");

        assertThatThrownBy(() -> ToolCatalog.load(null, overlay.toString()))
                .isInstanceOf(CatalogException.class).hasMessageContaining("tool 'prowler': missing or invalid report_path");
        Files.writeString(overlay, "- not a map\n");
        assertThatThrownBy(() -> ToolCatalog.load(null, overlay.toString()))
                .isInstanceOf(CatalogException.class).hasMessageContaining("is not a YAML map");
        Files.writeString(overlay, "tools: {prowler: {imagee: x}}\n");
        assertThatThrownBy(() -> ToolCatalog.load(null, overlay.toString()))
                .isInstanceOf(CatalogException.class).hasMessageContaining("imagee");
    }

    @Test
    void anOverlayCannotHandTheWorkersOwnSecretsToATool(@TempDir Path dir) throws IOException {
        Path overlay = dir.resolve("overlay.yaml");
        for (String name : List.of("DATABASE_PASSWORD", "SPRING_DATASOURCE_PASSWORD", "AWS_SECRET_ACCESS_KEY", "API_KEYS",
                "NUBICUSTOS_API_KEYS", "KAFKA_BOOTSTRAP_SERVERS", "PGPASSWORD", "LD_PRELOAD", "neo4j_password", "NEO4J PASSWORD")) {
            Files.writeString(overlay, "tools:\n  cartography: {passed_environment: ['" + name + "']}\n");
            assertThatThrownBy(() -> ToolCatalog.load(null, overlay.toString())).as(name)
                    .isInstanceOf(CatalogException.class).hasMessageContaining("passed_environment");
        }
        Files.writeString(overlay, "tools:\n  cartography: {passed_environment: [NEO4J_PASSWORD], environment: {NEO4J_PASSWORD: x}}\n");
        assertThatThrownBy(() -> ToolCatalog.load(null, overlay.toString())).as("a fixed value would be in the catalog after all")
                .isInstanceOf(CatalogException.class).hasMessageContaining("also a fixed environment variable");
        Files.writeString(overlay, "tools:\n  cartography: {passed_environment: [NEO4J_PASSWORD, GRAPH_TOKEN]}\n");
        assertThat(ToolCatalog.load(null, overlay.toString()).requireTool("cartography").passedEnvironment())
                .containsExactly("NEO4J_PASSWORD", "GRAPH_TOKEN");
    }

    @Test
    void aPacuStepRunsOnlyModulesThatReadWhoeverWroteTheCatalog(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        String pacu = "  pacu: {image: p:1, container_name_prefix: p, report_path: /r, expected_exit_codes: [0], report_format: pacu-session,"
                + " default_command: [--new-session, s, --module-name, %s, --exec]}\n";
        String profile = "profiles:\n  p: {description: x, duration_estimate: x, tools: [pacu]%s}\n";

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__privesc_scan") + profile.formatted(""));
        assertThatThrownBy(() -> ToolCatalog.load(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("tool 'pacu': Pacu module iam__privesc_scan runs only with --module-args=--scan-only");

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__privesc_scan, --module-args=--scan-only") + profile.formatted(""));
        assertThat(ToolCatalog.load(file).requireTool("pacu").defaultCommand()).contains("--module-args=--scan-only");

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__enum_permissions")
                + profile.formatted(", tool_options: {pacu: [--module-name, iam__backdoor_users_keys]}"));
        assertThatThrownBy(() -> ToolCatalog.load(file)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("profile 'p': Pacu module 'iam__backdoor_users_keys' is not one of the modules that only read");

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__privesc_scan, --module-args=--scan-only, --module-args=--offline")
                + profile.formatted(""));
        assertThatThrownBy(() -> ToolCatalog.load(file)).as("argparse keeps the last --module-args").isInstanceOf(CatalogException.class)
                .hasMessageContaining("iam__privesc_scan runs only with --module-args=--scan-only");

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__enum_permissions, --module-n=iam__backdoor_users_keys") + profile.formatted(""));
        assertThatThrownBy(() -> ToolCatalog.load(file)).as("argparse takes an unambiguous prefix of a flag").isInstanceOf(CatalogException.class)
                .hasMessageContaining("'iam__backdoor_users_keys' is not one of the modules that only read");

        Files.writeString(file, "tools:\n" + pacu.formatted("secrets__enum") + profile.formatted(""));
        assertThatThrownBy(() -> ToolCatalog.load(file)).as("reads, but copies secret values into the report").isInstanceOf(CatalogException.class)
                .hasMessageContaining("'secrets__enum' is not one of the modules that only read");

        Files.writeString(file, "tools:\n" + pacu.formatted("iam__enum_roles") + profile.formatted(""));
        assertThatThrownBy(() -> ToolCatalog.load(file)).as("an ENUM module that creates a role").isInstanceOf(CatalogException.class)
                .hasMessageContaining("'iam__enum_roles' is not one of the modules that only read");
    }

    @Test
    void aProfileNamingAnUnknownToolIsRefusedWithItsName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                tools:
                  prowler: {image: p:1, container_name_prefix: p, report_path: /r, expected_exit_codes: [0], report_format: prowler-ocsf}
                profiles:
                  broken: {description: x, duration_estimate: x, tools: [prowler, trivy]}
                """);

        assertThatThrownBy(() -> ToolCatalog.load(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("profile 'broken' names unknown tool 'trivy'");
    }

    @Test
    void aMisspelledFieldIsRefusedRatherThanIgnored(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                tools:
                  prowler: {image: p:1, container_name_prefix: p, report_path: /r, expected_exit_code: [0], report_format: x}
                profiles: {}
                """);

        assertThatThrownBy(() -> ToolCatalog.load(file))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("expected_exit_code");
    }

    @Test
    void aProfilesToolLimitsAreTheCeilingOfARequestsLimits(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                tools:
                  prowler:
                    image: p:1
                    container_name_prefix: p
                    report_path: /r
                    expected_exit_codes: [0]
                    report_format: prowler-ocsf
                    limits: {memory: 2g, cpus: 2, pids: 1024, timeout: 4h}
                profiles:
                  frugal:
                    description: x
                    duration_estimate: x
                    tools: [prowler]
                    tool_limits:
                      prowler: {memory: 1g, timeout: 1h}
                """);
        ToolCatalog catalog = ToolCatalog.load(file);
        ScanProfile frugal = catalog.profile("frugal").orElseThrow();

        ResourceLimits ceiling = catalog.limits(frugal, "prowler");

        assertThat(ceiling).isEqualTo(new ResourceLimits("1g", 2.0, 1024, "1h"));
        // within the catalog's 2g but above the profile's 1g: refused, naming the profile's value (as the API's parser asks)
        assertThatThrownBy(() -> catalog.requireWithinLimits(frugal, new ResourceLimits("1536m", null, null, null)))
                .isInstanceOfSatisfying(InvalidLimit.class, e -> assertThat(e.field()).isEqualTo("limits.memory"))
                .hasMessageContaining("above prowler's limit 1g");
        assertThatThrownBy(() -> catalog.requireWithinLimits(frugal, new ResourceLimits(null, null, null, "2h")))
                .isInstanceOfSatisfying(InvalidLimit.class, e -> assertThat(e.field()).isEqualTo("limits.timeout"));
        // the catalog's values the profile leaves alone still bound a request; tighter values pass
        assertThatThrownBy(() -> catalog.requireWithinLimits(frugal, new ResourceLimits(null, 3.0, null, null)))
                .isInstanceOfSatisfying(InvalidLimit.class, e -> assertThat(e.field()).isEqualTo("limits.cpus"));
        catalog.requireWithinLimits(frugal, new ResourceLimits("512m", 1.0, 64, "30m"));

        // and a step's plan runs with them: the profile's, the catalog's where the profile says nothing, the request's on top
        List<StepPlan> plan = new ScanPlanner(catalog).plan(frugal, "default", Set.of(), new ResourceLimits(null, 1.0, null, null),
                UUID.randomUUID());
        assertThat(plan).singleElement().extracting(StepPlan::limits).isEqualTo(new ResourceLimits("1g", 1.0, 1024, "1h"));
    }
}
