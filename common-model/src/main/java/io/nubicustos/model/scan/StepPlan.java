package io.nubicustos.model.scan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ToolDefinition.CredentialsMount;

import java.util.List;
import java.util.Map;

/**
 * Everything a worker needs to run one tool step, fixed when the scan is created, so that a scan
 * runs as it was planned even if the catalog file changes while it is queued.
 *
 * @param tool                 catalog name
 * @param image                image to run
 * @param containerNamePrefix  the container is named {@code <prefix>-<execution_id>}
 * @param command              full argument list (defaults, profile options, severity filter)
 * @param entrypoint           entrypoint override, or null for the image's own
 * @param reportPath           container path where the step's report directory is bound
 * @param credentials          credentials mounted read-only, or null
 * @param network              Docker network, or null for the engine's default
 * @param environment          environment, including {@code SCAN_ID} and {@code AWS_PROFILE}
 * @param expectedExitCodes    exit codes that mean the tool finished
 * @param namedVolumes         named volumes: name to container path
 * @param stdoutReport         file to write the container's stdout to, for tools that report on stdout
 * @param reportFormat         the parser the processor uses
 * @param limits               memory, CPU, pids and timeout (catalog, then profile, then request)
 * @param reportStreams        the streams {@code stdoutReport} keeps (null in plans made before there was a choice: stdout)
 * @param passedEnvironment    names of variables the worker passes from its own environment (values never in the plan)
 * @param apiWeight            how hard the tool calls the cloud's APIs, counted against its account's API budget by the claim
 */
public record StepPlan(
        String tool,
        String image,
        @JsonProperty("container_name_prefix") String containerNamePrefix,
        List<String> command,
        List<String> entrypoint,
        @JsonProperty("report_path") String reportPath,
        CredentialsMount credentials,
        String network,
        Map<String, String> environment,
        @JsonProperty("expected_exit_codes") List<Integer> expectedExitCodes,
        @JsonProperty("named_volumes") Map<String, String> namedVolumes,
        @JsonProperty("stdout_report") String stdoutReport,
        @JsonProperty("report_format") String reportFormat,
        ResourceLimits limits,
        @JsonProperty("report_streams") List<String> reportStreams,
        @JsonProperty("passed_environment") List<String> passedEnvironment,
        @JsonProperty("api_weight") Integer apiWeight) {

    public StepPlan {
        limits = limits == null ? ResourceLimits.NONE : limits;
        // why: a plan stored before weights existed counts as the catalog's default weight
        apiWeight = apiWeight == null ? io.nubicustos.model.catalog.ToolDefinition.DEFAULT_API_WEIGHT : apiWeight;
        reportStreams = reportStreams == null ? List.of("stdout") : List.copyOf(reportStreams);
        passedEnvironment = passedEnvironment == null ? List.of() : List.copyOf(passedEnvironment);
    }

    /** A plan of the default API weight. */
    public StepPlan(String tool, String image, String containerNamePrefix, List<String> command, List<String> entrypoint, String reportPath,
                    CredentialsMount credentials, String network, Map<String, String> environment, List<Integer> expectedExitCodes,
                    Map<String, String> namedVolumes, String stdoutReport, String reportFormat, ResourceLimits limits, List<String> reportStreams,
                    List<String> passedEnvironment) {
        this(tool, image, containerNamePrefix, command, entrypoint, reportPath, credentials, network, environment, expectedExitCodes,
                namedVolumes, stdoutReport, reportFormat, limits, reportStreams, passedEnvironment, null);
    }

    /** A plan that passes nothing from the worker's environment. */
    public StepPlan(String tool, String image, String containerNamePrefix, List<String> command, List<String> entrypoint, String reportPath,
                    CredentialsMount credentials, String network, Map<String, String> environment, List<Integer> expectedExitCodes,
                    Map<String, String> namedVolumes, String stdoutReport, String reportFormat, ResourceLimits limits, List<String> reportStreams) {
        this(tool, image, containerNamePrefix, command, entrypoint, reportPath, credentials, network, environment, expectedExitCodes,
                namedVolumes, stdoutReport, reportFormat, limits, reportStreams, null, null);
    }

    /** A plan whose standard-output report (if any) keeps stdout only. */
    public StepPlan(String tool, String image, String containerNamePrefix, List<String> command, List<String> entrypoint, String reportPath,
                    CredentialsMount credentials, String network, Map<String, String> environment, List<Integer> expectedExitCodes,
                    Map<String, String> namedVolumes, String stdoutReport, String reportFormat, ResourceLimits limits) {
        this(tool, image, containerNamePrefix, command, entrypoint, reportPath, credentials, network, environment, expectedExitCodes,
                namedVolumes, stdoutReport, reportFormat, limits, null, null, null);
    }

    /** Whether the standard-output report keeps the tool's stderr too. */
    public boolean reportKeepsStderr() {
        return reportStreams.contains("stderr");
    }

    /** The pattern the API shows before an execution id exists. */
    public String containerNamePattern() {
        return containerNamePrefix + "-{execution_id}";
    }

    public String containerName(String executionId) {
        return containerNamePrefix + "-" + executionId;
    }

    /** The same plan with its AWS credentials made from the worker's environment (see {@link CredentialsMount#source()}). */
    public StepPlan withAmbientCredentials() {
        if (credentials == null || !"aws".equals(credentials.kind())) {
            return this;
        }
        return new StepPlan(tool, image, containerNamePrefix, command, entrypoint, reportPath, credentials.fromAmbient(), network, environment,
                expectedExitCodes, namedVolumes, stdoutReport, reportFormat, limits, reportStreams, passedEnvironment, apiWeight);
    }

    /**
     * The same plan run in a role-reached account: its AWS credentials are a staged profile that assumes {@code role}, which
     * the tools are told to use ({@code AWS_PROFILE}); {@code AWS_SDK_LOAD_CONFIG=1} makes the JavaScript SDK v2 (CloudSploit)
     * read {@code role_arn} from the config file as botocore and the Go SDK do.
     */
    public StepPlan assuming(io.nubicustos.model.catalog.ToolDefinition.AssumedRole role) {
        if (credentials == null || !"aws".equals(credentials.kind())) {
            return this;
        }
        Map<String, String> env = new java.util.LinkedHashMap<>(environment);
        env.put("AWS_PROFILE", role.profile());
        env.put("AWS_SDK_LOAD_CONFIG", "1");
        return new StepPlan(tool, image, containerNamePrefix, command, entrypoint, reportPath, credentials.assuming(role), network,
                Map.copyOf(env), expectedExitCodes, namedVolumes, stdoutReport, reportFormat, limits, reportStreams, passedEnvironment, apiWeight);
    }

    public boolean acceptsExitCode(int exitCode) {
        return expectedExitCodes.contains(exitCode);
    }
}
