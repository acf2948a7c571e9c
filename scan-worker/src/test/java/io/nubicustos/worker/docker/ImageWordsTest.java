package io.nubicustos.worker.docker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the worker reads image references and the engine's words about images. */
class ImageWordsTest {

    @Test
    void theToolVersionFallsBackToTheTagTheImageWasNamedBy() {
        assertThat(ContainerRunner.tagOf("toniblyx/prowler:4.2.4")).isEqualTo("4.2.4");
        assertThat(ContainerRunner.tagOf("registry.internal:5000/prowler")).as("a registry port is no tag").isEqualTo("latest");
        assertThat(ContainerRunner.tagOf("registry.internal:5000/prowler:4.2.4@sha256:abc")).isEqualTo("4.2.4");
        assertThat(ContainerRunner.tagOf("prowler@sha256:abc")).as("a digest alone names no version").isNull();
    }

    @Test
    void anImageThatCannotStartIsToldFromAnEngineThatCannotStartContainers() {
        // the Docker 20.10 engine's answer to starting an image whose entrypoint does not exist (seen on this machine)
        assertThat(ContainerRunner.cannotStartImage("failed to create shim task: OCI runtime create failed: runc create failed: unable to"
                + " start container process: exec: \"scout\": executable file not found in $PATH: unknown")).isTrue();
        assertThat(ContainerRunner.cannotStartImage("unable to find user custodian: no matching entries in passwd file")).isTrue();
        assertThat(ContainerRunner.cannotStartImage("driver failed programming external connectivity on endpoint")).isFalse();
        assertThat(ContainerRunner.cannotStartImage(null)).isFalse();
    }
}
