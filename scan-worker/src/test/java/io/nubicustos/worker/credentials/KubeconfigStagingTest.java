package io.nubicustos.worker.credentials;

import io.nubicustos.worker.StepFailure;
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
import java.util.List;
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
                current-context: prod
                contexts:
                - {name: prod, context: {cluster: prod, user: scanner}}
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

    @Test
    void filesTheKubeconfigNamesAreInlinedFromItsOwnDirectory() throws Exception {
        Path kube = Files.createDirectories(root.resolve("kube-files"));
        Files.createDirectories(kube.resolve("pki"));
        Files.writeString(kube.resolve("pki/ca.crt"), "-----BEGIN CERTIFICATE-----\nCA\n");
        Files.writeString(kube.resolve("pki/scanner.key"), "-----BEGIN PRIVATE KEY-----\nKEY\n");
        Files.writeString(kube.resolve("token"), "sa-token-123\n");
        Files.writeString(kube.resolve("config"), """
                apiVersion: v1
                current-context: prod
                contexts:
                - {name: prod, context: {cluster: prod, user: scanner}}
                - {name: eks, context: {cluster: prod, user: eks-user}}
                clusters:
                - {name: prod, cluster: {server: "https://10.0.0.1:6443", certificate-authority: pki/ca.crt}}
                users:
                - {name: scanner, user: {client-key: %s, tokenFile: token}}
                - name: eks-user
                  user:
                    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
                """.formatted(kube.resolve("pki/scanner.key")));

        StagedCredentials.Staged staged = credentials(kube).stageKube("exec-k3");

        String copy = Files.readString(staged.directory().resolve("config"));
        assertThat(copy).contains("certificate-authority-data: \"" + base64("-----BEGIN CERTIFICATE-----\nCA\n"))
                .contains("client-key-data: \"" + base64("-----BEGIN PRIVATE KEY-----\nKEY\n")).contains("token: \"sa-token-123\"")
                .doesNotContain("pki/ca.crt").doesNotContain("tokenFile");
        assertThat(copy).as("a user the current context does not use is left alone").contains("get-token");
        assertThat(staged.secrets()).contains("sa-token-123", base64("-----BEGIN PRIVATE KEY-----\nKEY\n"));
    }

    @Test
    void aKubeconfigCannotMakeTheWorkerCopyAFileFromOutsideItsDirectory() throws Exception {
        Path kube = Files.createDirectories(root.resolve("kube-escape"));
        Path outside = Files.writeString(root.resolve("host-secret"), "root:$6$hash");
        Files.createSymbolicLink(kube.resolve("linked.key"), outside);
        for (String path : List.of("../host-secret", outside.toString(), "linked.key", "/etc/shadow")) {
            Files.writeString(kube.resolve("config"), config("{client-key: \"" + path + "\"}"));

            assertThatThrownBy(() -> credentials(kube).stageKube("exec-k4")).as(path).isInstanceOf(StepFailure.class)
                    .hasMessageContaining("names " + path);
        }
    }

    @Test
    void anExecPluginOfTheCurrentUserFailsTheStepSayingWhatToUseInstead() throws Exception {
        Path kube = Files.createDirectories(root.resolve("kube-exec"));
        Files.writeString(kube.resolve("config"), config("{exec: {command: aws, args: [eks, get-token]}}"));

        assertThatThrownBy(() -> credentials(kube).stageKube("exec-k5")).isInstanceOf(StepFailure.class)
                .hasMessageContaining("an exec plugin (aws)").hasMessageContaining("give it a token");
        Files.writeString(kube.resolve("config"), "apiVersion: v1\nclusters: []\n");
        assertThatThrownBy(() -> credentials(kube).stageKube("exec-k6")).isInstanceOf(StepFailure.class)
                .hasMessageContaining("no current-context");
        Files.writeString(kube.resolve("config"), "users: [unclosed\n");
        assertThatThrownBy(() -> credentials(kube).stageKube("exec-k7")).isInstanceOf(StepFailure.class)
                .hasMessageContaining("not YAML");
    }

    private static String config(String user) {
        return "apiVersion: v1\ncurrent-context: c\ncontexts:\n- {name: c, context: {cluster: k, user: u}}\n"
                + "clusters:\n- {name: k, cluster: {server: \"https://k:6443\"}}\nusers:\n- {name: u, user: " + user + "}\n";
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
