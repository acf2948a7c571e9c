package io.nubicustos.model.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The resource names below are the tools' own, from the samples (shared/samples) they were read in. */
class ResourceKeyTest {

    @Test
    void aSecurityGroupIsOneKeyHoweverEachToolNamesIt() {
        // Prowler 3.3 ASFF (prowler330_output.asff.json), ScoutSuite 5.10 (scoutsuite_results_aws-430150006394.js)
        assertThat(ResourceKey.of("arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0c59ae38c42100171")).isEqualTo("sg-0c59ae38c42100171");
        assertThat(ResourceKey.of("ec2.regions.eu-west-1.vpcs.vpc-f24c7994.security_groups.sg-0c59ae38c42100171.rules.ingress.protocols.TCP.ports.8443.cidrs.0.CIDR"))
                .as("the last id of the path: the group, not its VPC").isEqualTo("sg-0c59ae38c42100171");
        assertThat(ResourceKey.of("vpc.regions.ap-northeast-1.vpcs.vpc-0cbc506a.network_acls.acl-c777e5a1.ingress.100")).isEqualTo("acl-c777e5a1");
        // CloudSploit (cloudsploit_many_vul.json) names a VPC by its bare id
        assertThat(ResourceKey.of("vpc-abcd1234")).isEqualTo("vpc-abcd1234");
    }

    @Test
    void otherArnsKeepServiceRegionAndResourceButNotPartitionOrAccount() {
        assertThat(ResourceKey.of("arn:aws:s3:::myData-0123456789012")).isEqualTo("s3:myData-0123456789012");
        assertThat(ResourceKey.of("arn:aws-us-gov:iam::123456789012:user/dams")).isEqualTo("iam:user/dams");
        assertThat(ResourceKey.of("arn:aws:lambda:eu-west-1:123456789012:function:load-wikipedia")).isEqualTo("lambda:eu-west-1:function:load-wikipedia");
        assertThat(ResourceKey.of("arn:aws:lambda:us-east-1:123456789012:function:load-wikipedia"))
                .as("the same name in another region is another function").isEqualTo("lambda:us-east-1:function:load-wikipedia");
    }

    @Test
    void theAccountItselfIsOneKey() {
        assertThat(ResourceKey.of("arn:aws:iam::123456789012:root")).isEqualTo(ResourceKey.ACCOUNT);
        assertThat(ResourceKey.of("123456789012")).isEqualTo(ResourceKey.ACCOUNT);
    }

    @Test
    void nothingIsNoKeyAndAnythingElseIsLowerCased() {
        assertThat(ResourceKey.of(null)).isNull();
        assertThat(ResourceKey.of("  ")).isNull();
        assertThat(ResourceKey.of("N/A")).isNull();
        assertThat(ResourceKey.of("Password_Policy")).isEqualTo("password_policy");
        // an id-like word inside a longer token is not an id
        assertThat(ResourceKey.of("my-sg-0c59ae38c4-group")).isEqualTo("my-sg-0c59ae38c4-group");
    }
}
