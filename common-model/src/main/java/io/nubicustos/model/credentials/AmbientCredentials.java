package io.nubicustos.model.credentials;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Credentials without a file: a worker that runs with an instance role, a workload identity or credentials in its
 * environment. When the installation allows it ({@code nubicustos.credentials.allow-ambient}), a scan with
 * {@code aws_profile: "default"} and no such profile in the mounted files runs with a {@code [default]} profile the
 * worker writes for the step from its own environment, mounted as a file's profile would be (so tools that name the
 * profile, {@code --profile default}, find it); the values are never logged or shown, and the secret ones are redacted
 * from the tool's output.
 */
public final class AmbientCredentials {

    /** Written into the step's own {@code [default]} profile (never into the container's environment). */
    public static final List<String> PROFILE_VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN");
    /**
     * Passed to the container by name when set: where the SDKs find credentials without a key (an ECS task's
     * credentials endpoint, the instance metadata service) and the region.
     */
    public static final List<String> PASSED_VARIABLES = List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_STS_REGIONAL_ENDPOINTS",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_EC2_METADATA_DISABLED");
    /** Those whose values are secrets (redacted from the tool's output). */
    public static final List<String> SECRET_VARIABLES = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    /** The only profile name that may mean "the environment's credentials". */
    public static final String PROFILE = "default";

    private AmbientCredentials() {
    }

    /** The variables of {@code names} that {@code environment} sets, in that order. */
    public static Map<String, String> from(Map<String, String> environment, List<String> names) {
        Map<String, String> passed = new LinkedHashMap<>();
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isEmpty()) {
                passed.put(name, value);
            }
        }
        return passed;
    }

    /** What the dry run and the documentation say of this source, without any value. */
    public static String describe() {
        return "ambient: a [default] profile written for each step from the worker's own AWS environment (its "
                + String.join(", ", PROFILE_VARIABLES) + " when set; without them the SDKs fall back to the instance role or the"
                + " task's credentials endpoint), mounted like a file's profile; " + String.join(", ", PASSED_VARIABLES)
                + " are passed by name when set; no value is ever shown";
    }
}
