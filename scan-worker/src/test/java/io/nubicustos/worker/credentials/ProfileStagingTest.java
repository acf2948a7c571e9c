package io.nubicustos.worker.credentials;

import io.nubicustos.support.aws.AwsProfileFiles;
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

/**
 * An IAM Identity Center profile is staged with its own session's cached token only, never the other sessions'
 * tokens the operator signed in with. The file names are botocore's: sha1 of the sso_session name, else of the start
 * URL (boto/botocore@0e6e2404b85dc336dd2889814e089bde7d1a4c55, botocore/utils.py:3398).
 */
class ProfileStagingTest {

    @TempDir
    Path root;

    @Test
    void onlyTheStagedProfilesSessionTokenIsCopied() throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws"));
        Files.writeString(aws.resolve("config"), """
                [profile audit]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = SecurityAudit
                region = eu-west-1

                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                sso_region = eu-west-1

                [profile legacy]
                sso_start_url = https://legacy.awsapps.com/start
                sso_account_id = 210987654321
                sso_role_name = ReadOnly

                [profile other]
                sso_session = other
                """);
        Path cache = Files.createDirectories(aws.resolve("sso/cache"));
        String corp = sha1("corp");
        Files.writeString(cache.resolve(corp + ".json"), "{\"accessToken\": \"corp-token\"}");
        Files.writeString(cache.resolve(sha1("https://legacy.awsapps.com/start") + ".json"), "{\"accessToken\": \"legacy-token\"}");
        Files.writeString(cache.resolve(sha1("other") + ".json"), "{\"accessToken\": \"other-token\"}");

        StagedCredentials.Staged staged = credentials(aws).stage("exec-sso-1", "audit");

        Path copied = staged.directory().resolve("sso/cache");
        assertThat(copied.resolve(corp + ".json")).exists();
        try (var files = Files.list(copied)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(corp + ".json");
        }
        assertThat(StagedCredentials.ssoCacheKeys("[profile legacy]\nsso_start_url = https://legacy.awsapps.com/start\n"))
                .containsExactly(sha1("https://legacy.awsapps.com/start"));
    }

    @Test
    void anAssumedRoleProfileIsStagedWithItsSourceAsTheSdkReadsThem() throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws-roles"));
        Files.writeString(aws.resolve("credentials"), """
                [security]
                aws_access_key_id = AKIAEXAMPLESECURITY
                aws_secret_access_key = security-secret-value
                [unrelated]
                aws_access_key_id = AKIAEXAMPLEUNRELATED
                aws_secret_access_key = unrelated-secret-value
                """);
        Files.writeString(aws.resolve("config"), """
                [profile audit]
                role_arn = arn:aws:iam::123456789012:role/SecurityAudit
                source_profile = security
                external_id = nubicustos
                s3 =
                  max_concurrent_requests = 4
                [audit]
                region = ignored-by-the-sdks
                """);
        StagedCredentials credentials = credentials(aws);
        StagedCredentials.Staged staged = credentials.stage("exec-role-1", "audit");

        AwsProfileFiles read = AwsProfileFiles.read(staged.directory());
        assertThat(read.names()).containsExactlyInAnyOrder("audit", "security");
        assertThat(read.inConfig("audit")).get().satisfies(audit -> {
            assertThat(audit).containsEntry("role_arn", "arn:aws:iam::123456789012:role/SecurityAudit")
                    .containsEntry("source_profile", "security").containsEntry("external_id", "nubicustos").doesNotContainKey("region");
            assertThat(audit.get("s3")).contains("max_concurrent_requests = 4");
        });
        assertThat(read.inCredentials("security")).get().extracting(s -> s.get("aws_secret_access_key")).isEqualTo("security-secret-value");
        assertThat(credentials.secretsOf("audit")).as("the source profile's keys, redacted; never another profile's")
                .containsExactlyInAnyOrder("AKIAEXAMPLESECURITY", "security-secret-value");
    }

    /**
     * A role-reached account of a campaign: its profile is made by the worker, not read from the operator's files, and the
     * staged files are read back with the AWS SDK for Java's own parser ({@code ProfileFile}, aggregated as the SDKs
     * aggregate {@code credentials} and {@code config}): the role, source profile, external id and session name resolve as
     * configured, and the source profile's keys are there (redacted), no other profile's.
     */
    @Test
    void aCampaignAccountsAssumedRoleIsStagedAsTheSdkReadsIt() throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws-campaign"));
        Files.writeString(aws.resolve("credentials"), """
                [security]
                aws_access_key_id = AKIAEXAMPLESECURITY
                aws_secret_access_key = security-secret-value
                [team-b]
                aws_access_key_id = AKIAEXAMPLETEAMB
                aws_secret_access_key = team-b-secret-value
                """);
        Files.writeString(aws.resolve("config"), "[profile security]\nregion = eu-west-1\n");
        var role = new io.nubicustos.model.catalog.ToolDefinition.AssumedRole("nubicustos-account-210987654321",
                "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole", "security", "ext-42",
                "nubicustos-0190f1c2-aaaa-7bbb-8ccc-123456789abc", 3600);
        StagedCredentials credentials = credentials(aws);
        var mount = new io.nubicustos.model.catalog.ToolDefinition.CredentialsMount("aws", "/home/prowler/.aws").assuming(role);

        StagedCredentials.Staged staged = credentials.stage("exec-campaign-1", "nubicustos-account-210987654321", mount);

        software.amazon.awssdk.profiles.ProfileFile sdk = software.amazon.awssdk.profiles.ProfileFile.aggregator()
                .addFile(software.amazon.awssdk.profiles.ProfileFile.builder().content(staged.directory().resolve("credentials"))
                        .type(software.amazon.awssdk.profiles.ProfileFile.Type.CREDENTIALS).build())
                .addFile(software.amazon.awssdk.profiles.ProfileFile.builder().content(staged.directory().resolve("config"))
                        .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION).build())
                .build();
        assertThat(sdk.profiles().keySet()).containsExactlyInAnyOrder("security", "nubicustos-account-210987654321");
        var assumed = sdk.profile("nubicustos-account-210987654321").orElseThrow();
        assertThat(assumed.property("role_arn")).hasValue("arn:aws:iam::210987654321:role/OrganizationAccountAccessRole");
        assertThat(assumed.property("source_profile")).hasValue("security");
        assertThat(assumed.property("external_id")).hasValue("ext-42");
        assertThat(assumed.property("role_session_name")).hasValue("nubicustos-0190f1c2-aaaa-7bbb-8ccc-123456789abc");
        assertThat(assumed.property("duration_seconds")).hasValue("3600");
        assertThat(assumed.property("aws_access_key_id")).as("the role's profile holds no key").isEmpty();
        assertThat(sdk.profile("security").orElseThrow().property("aws_secret_access_key")).hasValue("security-secret-value");
        assertThat(staged.secrets()).containsExactlyInAnyOrder("AKIAEXAMPLESECURITY", "security-secret-value");
        assertThat(staged.environment()).as("nothing passed by environment").isEmpty();
        assertThat(credentials.secretsOf("nubicustos-account-210987654321", "exec-campaign-1")).as("redaction after adoption")
                .containsExactlyInAnyOrder("AKIAEXAMPLESECURITY", "security-secret-value");
    }

    @Test
    void anAssumedRoleIsRefusedWhenItsSourceIsMissingOrAValueWouldBreakTheFile() throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws-campaign-bad"));
        Files.writeString(aws.resolve("credentials"), "[security]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n");
        StagedCredentials credentials = credentials(aws);
        var mount = new io.nubicustos.model.catalog.ToolDefinition.CredentialsMount("aws", "/m");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> credentials.stage("exec-bad-1", "p", mount.assuming(
                        new io.nubicustos.model.catalog.ToolDefinition.AssumedRole("p", "arn:aws:iam::1:role/r", "gone", null, "n", null))))
                .isInstanceOf(io.nubicustos.worker.StepFailure.class).hasMessageContaining("source_profile 'gone'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> credentials.stage("exec-bad-2", "p", mount.assuming(
                        new io.nubicustos.model.catalog.ToolDefinition.AssumedRole("p", "arn:aws:iam::1:role/r", "security",
                                "x\n[profile evil]", "n", null))))
                .isInstanceOf(io.nubicustos.worker.StepFailure.class).hasMessageContaining("external_id");
    }

    @Test
    void anIndentedSectionInsideAProfileIsRefusedAndUnreadableFilesFailTheStepNotTheHost() throws Exception {
        Path aws = Files.createDirectories(root.resolve("aws-hostile"));
        Files.writeString(aws.resolve("credentials"), """
                [a]
                aws_access_key_id = AKIAEXAMPLEA
                aws_session_token = IQoJb3JpZ2luX2VjEA==
                foo = bar
                  [b]
                  aws_secret_access_key = b-secret-value
                """);
        StagedCredentials credentials = credentials(aws);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> credentials.stage("exec-hostile-1", "a"))
                .isInstanceOf(io.nubicustos.worker.StepFailure.class).hasMessageContaining("reads as a section header");
        assertThat(credentials.secretsOf("a")).as("a token ending in '=' is redacted whole, and what rides along too")
                .contains("IQoJb3JpZ2luX2VjEA==", "b-secret-value");

        Files.writeString(aws.resolve("credentials"), "aws_access_key_id = AKIAEXAMPLE\n[a]\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> credentials.stage("exec-hostile-2", "a"))
                .isInstanceOf(io.nubicustos.worker.StepFailure.class).hasMessageContaining("cannot be staged");
    }

    private static String sha1(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private StagedCredentials credentials(Path aws) throws Exception {
        WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "nubicustos.credentials.aws-path", aws.toString(), "nubicustos.reports.path", root.resolve("reports").toString())))
                .bindOrCreate("nubicustos", WorkerProperties.class);
        Constructor<ReportDirectories> directories = ReportDirectories.class.getDeclaredConstructor(WorkerProperties.class);
        directories.setAccessible(true);
        return new StagedCredentials(properties, directories.newInstance(properties), Map::of);
    }
}
