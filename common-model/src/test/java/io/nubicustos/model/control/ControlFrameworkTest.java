package io.nubicustos.model.control;

import io.nubicustos.model.catalog.ToolCatalog;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in CIS AWS 1.4.0 mapping, held to facts of its sources (the file's header says where each comes from). */
class ControlFrameworkTest {

    private final ControlFramework cis = ControlFramework.builtIn("cis-aws-1.4.0");

    @Test
    void everyRequirementOfTheBenchmarkOnceInItsOrder() {
        // prowler-cloud/prowler 4.2.4 prowler/compliance/aws/cis_1.4_aws.json: 58 requirements, 1.1 first, 5.4 last
        assertThat(cis.requirements()).hasSize(58);
        assertThat(cis.requirements().get(0).id()).isEqualTo("1.1");
        assertThat(cis.requirements().get(57).id()).isEqualTo("5.4");
        assertThat(cis.aliases()).contains("CIS-1.4");
    }

    @Test
    void onlyCatalogToolsAndNoCheckTwiceInARequirement() {
        Set<String> tools = new HashSet<>(ToolCatalog.load(null, null).tools().stream().map(io.nubicustos.model.catalog.ToolDefinition::name).toList());
        for (ControlFramework.Requirement r : cis.requirements()) {
            assertThat(tools).as(r.id()).containsAll(r.checks().keySet());
            r.checks().values().forEach(checks -> assertThat(checks).as(r.id()).doesNotHaveDuplicates());
        }
    }

    @Test
    void theChecksTheSamplesMeetOnAreWhereTheirSourcesPutThem() {
        // Prowler's cis_1.4_aws.json lists ec2_networkacl_allow_ingress_any_port under 5.1 and
        // ec2_securitygroup_default_restrict_traffic under 5.3; ScoutSuite 5.12.0's ec2-default-security-group-with-rules
        // references CIS 1.2.0 4.3 (1.4.0's 5.3); vpc-default-network-acls-allow-all-ingress is mapped by meaning
        assertThat(checks("5.1", "prowler")).contains("ec2_networkacl_allow_ingress_any_port", "ec2_networkacl_allow_ingress_tcp_port_22");
        assertThat(checks("5.1", "scoutsuite")).contains("vpc-default-network-acls-allow-all-ingress");
        assertThat(checks("5.3", "prowler")).contains("ec2_securitygroup_default_restrict_traffic");
        assertThat(checks("5.3", "scoutsuite")).contains("ec2-default-security-group-with-rules");
        assertThat(checks("1.4", "prowler")).contains("iam_no_root_access_key");
        assertThat(checks("1.4", "scoutsuite")).contains("iam-root-account-with-active-keys");
        assertThat(cis.requirements().stream().filter(r -> r.id().equals("1.8")).findFirst().orElseThrow().scope()).isEqualTo("account");
        assertThat(cis.requirements().stream().filter(r -> r.id().equals("5.1")).findFirst().orElseThrow().scope()).isEqualTo("resource");
    }

    @Test
    void howMuchOfEachToolIsMapped() {
        assertThat(cis.checksMapped("prowler")).isEqualTo(67);
        assertThat(cis.checksMapped("kubescape")).isZero();
        Set<String> all = new HashSet<>();
        cis.requirements().forEach(r -> r.checks().values().forEach(all::addAll));
        assertThat(all).isNotEmpty();
    }

    private List<String> checks(String requirement, String tool) {
        return cis.requirements().stream().filter(r -> r.id().equals(requirement)).findFirst().orElseThrow()
                .checks().getOrDefault(tool, List.of());
    }
}
