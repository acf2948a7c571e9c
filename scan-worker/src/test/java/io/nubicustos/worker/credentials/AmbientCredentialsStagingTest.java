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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Staging a step's AWS profile from the worker's environment: only when the plan says so and this worker allows it. */
class AmbientCredentialsStagingTest {

    static final Map<String, String> ENVIRONMENT = Map.of("AWS_ACCESS_KEY_ID", "AKIAAMBIENT000000001", "AWS_SECRET_ACCESS_KEY",
            "ambient/secret/Value+0123456789abcdefghij", "AWS_SESSION_TOKEN", "ambient-session-token-0123456789",
            "AWS_REGION", "eu-central-1", "HOME", "/root");

    @TempDir
    Path root;

    @Test
    void aPlanForAmbientCredentialsGetsADefaultProfileMadeFromTheEnvironment() throws Exception {
        StagedCredentials.Staged staged = credentials(true).stage("exec-1", "default", true);

        assertThat(Files.readString(staged.directory().resolve("credentials"))).isEqualTo("""
                [default]
                aws_access_key_id = AKIAAMBIENT000000001
                aws_secret_access_key = ambient/secret/Value+0123456789abcdefghij
                aws_session_token = ambient-session-token-0123456789
                """);
        assertThat(Files.readString(staged.directory().resolve("config"))).isEqualTo("[default]\nregion = eu-central-1\n");
        assertThat(staged.environment()).as("passed by name: no key").isEqualTo(Map.of("AWS_REGION", "eu-central-1"));
        assertThat(staged.secrets()).containsExactlyInAnyOrder("AKIAAMBIENT000000001", "ambient/secret/Value+0123456789abcdefghij",
                "ambient-session-token-0123456789");
        assertThat(staged.toString()).doesNotContain("ambient/secret").doesNotContain("AKIAAMBIENT");
        assertThat(credentials(true).secretsOf("default", "exec-1")).as("read back from the staged profile by an adopting worker")
                .contains("ambient/secret/Value+0123456789abcdefghij");
    }

    @Test
    void aWorkerThatDoesNotAllowAmbientCredentialsRefusesSuchAStep() {
        assertThatThrownBy(() -> credentials(false).stage("exec-2", "default", true)).isInstanceOf(StepFailure.class)
                .hasMessageContaining("nubicustos.credentials.allow-ambient=true");
    }

    @Test
    void aPlanForTheFilesNeverFallsBackToTheEnvironment() {
        assertThatThrownBy(() -> credentials(true).stage("exec-3", "default", false)).isInstanceOf(StepFailure.class)
                .hasMessageContaining("is not in the credentials mounted");
    }

    private StagedCredentials credentials(boolean allowAmbient) throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws"));
        WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "nubicustos.credentials.aws-path", aws.toString(), "nubicustos.reports.path", root.resolve("reports").toString(),
                "nubicustos.credentials.allow-ambient", Boolean.toString(allowAmbient))))
                .bindOrCreate("nubicustos", WorkerProperties.class);
        Constructor<ReportDirectories> directories = ReportDirectories.class.getDeclaredConstructor(WorkerProperties.class);
        directories.setAccessible(true);
        return new StagedCredentials(properties, directories.newInstance(properties), () -> ENVIRONMENT);
    }
}
