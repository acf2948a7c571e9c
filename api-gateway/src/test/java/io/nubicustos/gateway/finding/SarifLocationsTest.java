package io.nubicustos.gateway.finding;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthetic file a finding is placed in for code scanning: stable, relative, one path segment per part. */
class SarifLocationsTest {

    @Test
    void anArnKeepsItsColonsAndItsSlashesAreEncodedSoTheResourceIsOneSegment() {
        String uri = SarifFindingWriter.uri("prowler", "123456789012", "eu-west-1",
                "arn:aws:iam::123456789012:role/service-role/deploy", "iam");
        assertThat(uri).isEqualTo("aws/123456789012/eu-west-1/arn:aws:iam::123456789012:role%2Fservice-role%2Fdeploy");
        assertThat(URI.create(uri).isAbsolute()).isFalse();
        assertThat(URI.create(uri).getRawPath().split("/")).hasSize(4);
    }

    @Test
    void missingPartsHaveNamesOfTheirOwn() {
        assertThat(SarifFindingWriter.uri("scoutsuite", null, null, null, "s3")).isEqualTo("aws/unknown/global/s3");
        assertThat(SarifFindingWriter.uri("scoutsuite", " ", "", " ", null)).isEqualTo("aws/unknown/global/account");
        assertThat(SarifFindingWriter.uri("kubescape", "prod-cluster", "default", "Deployment/web", null))
                .isEqualTo("kubernetes/prod-cluster/default/Deployment%2Fweb");
    }

    @Test
    void aPlantedValueCannotClimbOrBreakTheUri() {
        assertThat(SarifFindingWriter.uri("prowler", "..", ".", "a b?c#d%e\u00e9", null))
                .isEqualTo("aws/%2E%2E/%2E/a%20b%3Fc%23d%25e%C3%A9");
        String uri = SarifFindingWriter.uri("prowler", "../../etc", "x/../y", "\n", null);
        assertThat(URI.create(uri).normalize().toString()).isEqualTo(uri);
    }
}
