package io.nubicustos.standalone;

import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A system whose worker has credentials in its environment and no credentials file (an instance role, a workload
 * identity, CI secrets): allowed by the installation, a scan of {@code aws_profile: "default"} is accepted and its
 * tool gets a {@code [default]} profile made from them (and the region by name); their values are in no log, no answer
 * of the API and not in the dry run.
 */
class AmbientCredentialsEndToEndTest {

    static final String KEY_ID = "AKIAAMBIENT000000001";
    static final String SECRET = "ambient/secret/Value+0123456789abcdefghij";
    static final String TOKEN = "ambient-session-token-0123456789";

    ChildProcesses children;

    @AfterEach
    void stop() throws Exception {
        if (children != null) {
            children.close();
        }
    }

    @Test
    void aScanRunsWithTheWorkersEnvironmentCredentialsWhenAllowedAndTheirValuesAreNeverShown() throws Exception {
        StandInImage.forTool("prowler")
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .alsoRuns("$B env | $B grep '^AWS_' | $B sort; $B cat /home/prowler/.aws/credentials /home/prowler/.aws/config")
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        Path data = TestDirectories.create("nubicustos-ambient");
        children = new ChildProcesses(data);
        Map<String, String> env = ChildProcesses.environment(data);
        env.put("NUBICUSTOS_CREDENTIALS_ALLOWAMBIENT", "true");
        env.putAll(Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_SESSION_TOKEN", TOKEN,
                "AWS_REGION", "eu-central-1"));
        Api api = new Api(Integer.parseInt(env.get("PORT")));
        children.launch(env, "ambient.log");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(api::isUp);

        var dryRun = api.post("/api/scans", "{\"profile\": \"quick\", \"dry_run\": true}");
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        JsonNode plan = api.read(dryRun.body());
        assertThat(plan.get("credentials_source").asString()).startsWith("ambient: ");
        assertThat(plan.at("/tools/0/mounts")).as("the step's own [default] profile, staged like a file's")
                .extracting(m -> m.get("source").asString()).anyMatch(source -> source.contains(".credentials/{execution_id}"));
        assertThat(plan.at("/tools/0/environment_variables")).extracting(JsonNode::asString).contains("AWS_REGION", "AWS_PROFILE")
                .as("keys go into the staged profile, never into the container's environment").doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(api.post("/api/scans", "{\"profile\": \"quick\", \"aws_profile\": \"production\"}").statusCode())
                .as("only 'default' means the environment").isEqualTo(422);

        String scan = api.submit("{\"profile\": \"quick\"}");
        JsonNode status = api.awaitTerminal(scan, Duration.ofMinutes(2));
        assertThat(status.get("status").asString()).as(api.getJson("/api/scans/" + scan + "/errors").toString()).isEqualTo("completed");

        String log = api.get("/api/scans/" + scan + "/steps/prowler/logs").body();
        assertThat(log).contains("AWS_REGION=eu-central-1").contains("AWS_PROFILE=default").doesNotContain("AWS_ACCESS_KEY_ID=")
                .contains("aws_access_key_id = [REDACTED]").contains("aws_secret_access_key = [REDACTED]")
                .contains("aws_session_token = [REDACTED]").contains("region = eu-central-1");
        String everything = dryRun.body() + log + api.get("/api/scans/" + scan).body() + api.get("/api/scans/" + scan + "/errors").body()
                + api.get("/api/scans/" + scan + "/findings?status=all").body() + Files.readString(data.resolve("ambient.log"));
        for (String value : new String[] {KEY_ID, SECRET, TOKEN}) {
            assertThat(everything).as("the value of a passed variable").doesNotContain(value);
        }
    }
}
