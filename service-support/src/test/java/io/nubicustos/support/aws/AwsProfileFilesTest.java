package io.nubicustos.support.aws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AwsProfileFilesTest {

    @Test
    void theProfilesAreTheOnesTheSdkSeesInBothFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("credentials"), """
                # a comment
                [default]
                aws_access_key_id = AKIAEXAMPLEDEFAULT
                aws_secret_access_key = secret-default ; not a comment in the credentials file

                [security]
                aws_access_key_id=AKIAEXAMPLESECURITY
                aws_secret_access_key=secret-security
                """);
        Files.writeString(dir.resolve("config"), """
                [default]
                region = eu-west-1
                [profile audit]
                role_arn = arn:aws:iam::123456789012:role/SecurityAudit
                source_profile = security
                external_id = nubicustos
                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                [profile sso]
                sso_session = corp
                [audit-without-prefix]
                region = us-east-1
                """);
        AwsProfileFiles files = AwsProfileFiles.read(dir);
        // why: in config a profile other than default needs "profile "; the SDKs ignore [audit-without-prefix], so do we
        assertThat(files.names()).containsExactly("default", "security", "audit", "sso");
        assertThat(files.contains("audit-without-prefix")).isFalse();
        assertThat(files.inConfig("audit")).get().isEqualTo(Map.of("role_arn", "arn:aws:iam::123456789012:role/SecurityAudit",
                "source_profile", "security", "external_id", "nubicustos"));
        assertThat(files.inCredentials("security")).get().extracting(p -> p.get("aws_secret_access_key")).isEqualTo("secret-security");
        assertThat(files.ssoSession("corp")).get().extracting(s -> s.get("sso_start_url")).isEqualTo("https://corp.awsapps.com/start");
        assertThat(files.contains("corp")).as("an sso-session is no profile").isFalse();
    }

    @Test
    void aFileTheSdksCannotReadIsRefusedNamingItAndAByteOrderMarkIsNoProblem(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("credentials"), "\uFEFF[default]\naws_access_key_id = AKIAEXAMPLE\n");
        assertThat(AwsProfileFiles.read(dir).names()).containsExactly("default");
        Files.writeString(dir.resolve("credentials"), "aws_access_key_id = AKIAEXAMPLE\n[default]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AwsProfileFiles.read(dir))
                .isInstanceOf(AwsProfileFiles.Unreadable.class).hasMessageContaining(dir.resolve("credentials").toString());
    }

    @Test
    void aDirectoryWithoutFilesHasNoProfile(@TempDir Path dir) {
        assertThat(AwsProfileFiles.read(dir).names()).isEmpty();
    }
}
