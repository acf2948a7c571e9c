package io.nubicustos.model.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One scanner of the catalog: how to run its container and how to read what it writes.
 *
 * @param name                 the tool's catalog key, e.g. {@code prowler}
 * @param image                image with a pinned version
 * @param containerNamePrefix  containers are named {@code <prefix>-<execution_id>}
 * @param reportPath           where the tool writes its reports inside the container
 * @param credentials          the credentials the tool needs, mounted read-only (may be null)
 * @param network              Docker network the container joins (may be null: the engine's default)
 * @param environment          fixed environment variables
 * @param defaultCommand       arguments, with {@code {aws_profile}} and {@code {scan_id}} placeholders
 * @param expectedExitCodes    exit codes that mean the tool finished
 * @param entrypoint           optional entrypoint override
 * @param namedVolumes         named Docker volumes: volume name to container path
 * @param stdoutReport         file the worker writes the container's stdout to, for tools that report on stdout
 * @param severityOption       how the tool takes a severity filter, when it can
 * @param reportFormat         which parser reads the report
 * @param limits               memory, CPU, pids and timeout of the tool's container
 * @param imageSource          for an image the project does not take from upstream as it is: the folder of this
 *                             repository that says how the image is made, named when the image is missing on a host
 * @param reportStreams        which of the container's streams {@code stdout_report} keeps: {@code [stdout]} (the
 *                             default), or {@code [stdout, stderr]} for tools that log their results on stderr
 * @param outputRequired       a successful run of this tool always leaves a non-empty file: a step that left none failed,
 *                             whatever its exit code said
 * @param scopeOptions         how the tool takes a request's scope (regions, services, checks, frameworks), from its own flags
 * @param requires             a service the tool cannot run without (e.g. {@code neo4j}); unless the API is told where it is
 *                             ({@code nubicustos.tool-services.<name>}), the tool is left out of every plan, saying why; its
 *                             address is {@code {<name>}} in the command
 * @param failureLines         regular expressions of log lines the tool prints when it failed but exits as if it had not
 *                             (bad credentials, nothing collected): a step whose log has one failed, saying that line
 * @param apiWeight            how hard the tool calls its cloud's APIs, in the units of an account's API budget (the claim
 *                             admits a step only while its account's running weight fits); 0 for a tool that calls none
 * @param passedEnvironment    names of variables the worker passes from its own environment into the container (a
 *                             service's password, passed by name so that it is never in the catalog, the plan or the
 *                             database); their values are redacted from the tool's output like credentials
 */
public record ToolDefinition(
        String name,
        String image,
        @JsonProperty("container_name_prefix") String containerNamePrefix,
        @JsonProperty("report_path") String reportPath,
        CredentialsMount credentials,
        String network,
        Map<String, String> environment,
        @JsonProperty("default_command") List<String> defaultCommand,
        @JsonProperty("expected_exit_codes") List<Integer> expectedExitCodes,
        List<String> entrypoint,
        @JsonProperty("named_volumes") Map<String, String> namedVolumes,
        @JsonProperty("stdout_report") String stdoutReport,
        @JsonProperty("severity_option") SeverityOption severityOption,
        @JsonProperty("report_format") String reportFormat,
        ResourceLimits limits,
        @JsonProperty("image_source") String imageSource,
        @JsonProperty("report_streams") List<String> reportStreams,
        @JsonProperty("output_required") Boolean outputRequired,
        @JsonProperty("failure_lines") List<String> failureLines,
        @JsonProperty("scope_options") ScopeOptions scopeOptions,
        String requires,
        @JsonProperty("passed_environment") List<String> passedEnvironment,
        @JsonProperty("api_weight") Integer apiWeight) {

    public static final List<String> STREAMS = List.of("stdout", "stderr");
    public static final int DEFAULT_API_WEIGHT = 1;
    private static final java.util.regex.Pattern NESTED_QUANTIFIER = java.util.regex.Pattern.compile("\\([^)]*[*+][^)]*\\)\\s*[*+{]");

    public ToolDefinition {
        limits = limits == null ? ResourceLimits.NONE : limits;
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        defaultCommand = defaultCommand == null ? List.of() : List.copyOf(defaultCommand);
        expectedExitCodes = expectedExitCodes == null ? List.of() : List.copyOf(expectedExitCodes);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        namedVolumes = namedVolumes == null ? Map.of() : Map.copyOf(namedVolumes);
        reportStreams = reportStreams == null ? List.of("stdout") : List.copyOf(reportStreams);
        failureLines = failureLines == null ? List.of() : List.copyOf(failureLines);
        outputRequired = Boolean.TRUE.equals(outputRequired);
        scopeOptions = scopeOptions == null ? ScopeOptions.NONE : scopeOptions;
        passedEnvironment = passedEnvironment == null ? List.of() : List.copyOf(passedEnvironment);
        apiWeight = apiWeight == null ? DEFAULT_API_WEIGHT : apiWeight;
    }

    ToolDefinition withName(String key) {
        return new ToolDefinition(key, image, containerNamePrefix, reportPath, credentials, network, environment,
                defaultCommand, expectedExitCodes, entrypoint, namedVolumes, stdoutReport, severityOption, reportFormat, limits, imageSource, reportStreams, outputRequired, failureLines, scopeOptions, requires, passedEnvironment, apiWeight);
    }

    public boolean acceptsExitCode(int exitCode) {
        return expectedExitCodes.contains(exitCode);
    }

    void validate() {
        require(image != null && !image.isBlank(), "image");
        require(containerNamePrefix != null && containerNamePrefix.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*"), "container_name_prefix");
        require(reportPath != null && reportPath.startsWith("/"), "report_path (an absolute container path)");
        require(!expectedExitCodes.isEmpty(), "expected_exit_codes (at least one)");
        require(reportFormat != null && !reportFormat.isBlank(), "report_format");
        if (stdoutReport != null) {
            require(stdoutReport.matches("[A-Za-z0-9][A-Za-z0-9_.-]*"), "stdout_report (a plain file name)");
        }
        if (credentials != null) {
            require(credentials.kind() != null && credentials.mount() != null && credentials.mount().startsWith("/"),
                    "credentials (kind and an absolute mount)");
        }
        namedVolumes.forEach((volume, path) -> require(path.startsWith("/"), "named_volumes." + volume));
        if (imageSource != null) {
            require(imageSource.matches("[A-Za-z0-9][A-Za-z0-9_./-]*") && !imageSource.contains(".."), "image_source (a folder of this repository)");
        }
        // why: stdout is always kept; stderr is what may be added (a report of stderr alone would be a tool's log without its results)
        require(reportStreams.contains("stdout") && STREAMS.containsAll(reportStreams), "report_streams ([stdout] or [stdout, stderr])");
        require(stdoutReport != null || reportStreams.equals(List.of("stdout")), "report_streams (only with stdout_report)");
        scopeOptions.validate(name);
        require(apiWeight >= 0 && apiWeight <= 100, "api_weight (0 to 100)");
        if (requires != null) {
            require(requires.matches("[a-z][a-z0-9-]{0,30}"), "requires (a service name such as neo4j)");
        }
        for (String variable : passedEnvironment) {
            require(PassedVariables.allowed(variable), "passed_environment (names such as NEO4J_PASSWORD; " + PassedVariables.RESERVED_DESCRIPTION + ")");
            require(!environment.containsKey(variable), "passed_environment (" + variable + " is also a fixed environment variable)");
        }
        for (String line : failureLines) {
            // why: the processor matches these against lines the tool (and the scanned account's names) wrote; a nested
            // quantifier such as (a+)+ can take exponential time on a crafted line
            if (NESTED_QUANTIFIER.matcher(line).find()) {
                throw new CatalogException("tool '" + name + "': failure_lines '" + line + "' repeats a group that repeats itself;"
                        + " write it without nested quantifiers");
            }
            try {
                java.util.regex.Pattern.compile(line);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new CatalogException("tool '" + name + "': failure_lines has an invalid regular expression '" + line + "': "
                        + e.getDescription());
            }
        }
        try {
            limits.validate("limits");
        } catch (IllegalArgumentException e) {
            throw new CatalogException("tool '" + name + "': " + e.getMessage());
        }
    }

    private void require(boolean ok, String field) {
        if (!ok) {
            throw new CatalogException("tool '" + name + "': missing or invalid " + field);
        }
    }

    /**
     * The credentials a tool reads: which kind (aws, kube) and where they are mounted, read-only. In a step's plan,
     * {@code source} says where the API decided they come from: {@code ambient} for a {@code default} AWS profile made
     * from the worker's own environment, null for the mounted files. The worker follows it, so the two never disagree.
     */
    /**
     * @param source  where the worker takes the profile from: the mounted files (null) or its own environment ({@link #AMBIENT})
     * @param role    for a role-reached account: the role the staged profile assumes from its source profile (null otherwise)
     */
    public record CredentialsMount(String kind, String mount, String source, AssumedRole role) {
        public static final String AMBIENT = "ambient";

        public CredentialsMount {
            Objects.requireNonNull(kind, "kind");
        }

        public CredentialsMount(String kind, String mount) {
            this(kind, mount, null, null);
        }

        public CredentialsMount(String kind, String mount, String source) {
            this(kind, mount, source, null);
        }

        public boolean ambient() {
            return AMBIENT.equals(source);
        }

        public CredentialsMount fromAmbient() {
            return new CredentialsMount(kind, mount, AMBIENT, role);
        }

        public CredentialsMount assuming(AssumedRole assumed) {
            return new CredentialsMount(kind, mount, source, assumed);
        }
    }

    /**
     * A role the tool's SDK assumes by itself from the staged profile ({@code role_arn}, {@code source_profile},
     * {@code external_id}, {@code role_session_name}, {@code duration_seconds}): no key of the account is ever made
     * or held by us, and CloudTrail names the scan in the session name.
     *
     * @param profile         the name of the staged profile that assumes the role (the tools' {@code AWS_PROFILE})
     * @param sessionName     {@code nubicustos-<scan id>}
     * @param durationSeconds the session's length, or null for the SDKs' default (one hour)
     */
    public record AssumedRole(String profile, @JsonProperty("role_arn") String roleArn, @JsonProperty("source_profile") String sourceProfile,
                              @JsonProperty("external_id") String externalId, @JsonProperty("session_name") String sessionName,
                              @JsonProperty("duration_seconds") Integer durationSeconds) {
        public AssumedRole {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(roleArn, "role_arn");
            Objects.requireNonNull(sourceProfile, "source_profile");
            Objects.requireNonNull(sessionName, "session_name");
        }
    }

    /** How a tool takes a severity filter: the flag, then one value per selected severity. */
    public record SeverityOption(String flag, Map<String, String> values) {
        public SeverityOption {
            values = values == null ? Map.of() : Map.copyOf(values);
        }
    }
}
