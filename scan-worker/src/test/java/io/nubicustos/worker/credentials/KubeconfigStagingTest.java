package io.nubicustos.worker.credentials;

import io.nubicustos.worker.docker.StepFailure;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A kubeconfig is staged for each execution like an AWS profile: a group-readable copy, its secrets known for redaction. */
class KubeconfigStagingTest {

    @TempDir
    Path root;

    @Test
    void theKubeconfigIsCopiedForTheExecutionReadableByTheToolsUserAndItsSecretsAreKnown() throws Exception {
        Path kube = Files.createDirectories(root.resolve("kube"));
        Path config = Files.writeString(kube.resolve("config"), """
                apiVersion: v1
                clusters:
                - cluster: {server: https://10.0.0.1:6443, certificate-authority-data: Q0E=}
                  name: prod
                users:
                - name: scanner
                  user:
                    token: "eyJhbGciOiJSUzI1NiJ9.scanner-token"
                    client-key-data: S0VZREFUQQ==
                """);
        // why: operators keep kubeconfigs 0600; the tool (Kubescape runs as uid 65532) must still read its copy
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        StagedCredentials.Staged staged = credentials(kube).stageKube("exec-k1");

        Path copy = staged.directory().resolve("config");
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(config));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-r-----");
        assertThat(staged.secrets()).containsExactlyInAnyOrder("eyJhbGciOiJSUzI1NiJ9.scanner-token", "S0VZREFUQQ==");
        assertThat(staged.directory()).isNotEqualTo(kube);
    }

    @Test
    void noKubeconfigFailsTheStepSayingWhere() throws Exception {
        Path kube = Files.createDirectories(root.resolve("empty-kube"));

        assertThatThrownBy(() -> credentials(kube).stageKube("exec-k2")).isInstanceOf(StepFailure.class)
                .hasMessageContaining("no kubeconfig at " + kube.resolve("config"));
    }

    private StagedCredentials credentials(Path kube) throws Exception {
        WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "nubicustos.credentials.kube-path", kube.toString(), "nubicustos.reports.path", root.resolve("reports").toString())))
                .bindOrCreate("nubicustos", WorkerProperties.class);
        Constructor<ReportDirectories> directories = ReportDirectories.class.getDeclaredConstructor(WorkerProperties.class);
        directories.setAccessible(true);
        return new StagedCredentials(properties, directories.newInstance(properties), Map::of);
    }
}
