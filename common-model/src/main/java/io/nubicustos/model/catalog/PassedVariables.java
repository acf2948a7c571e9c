package io.nubicustos.model.catalog;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which of a worker's environment variables a catalog may pass into a tool's container by name
 * ({@code passed_environment}). A catalog (an operator's overlay too) names what a tool needs, such as
 * {@code NEO4J_PASSWORD}; it must never be able to hand a tool the worker's own secrets — its database
 * password, its API keys, the AWS keys of the machine it runs on — so the names the services and the AWS
 * SDKs read are refused. AWS credentials reach a tool only as a staged profile.
 */
public final class PassedVariables {

    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final List<String> RESERVED_PREFIXES = List.of("NUBICUSTOS_", "SPRING_", "DATABASE_", "KAFKA_", "POSTGRES_", "PG",
            "AWS_", "HOST_", "JAVA_", "JDK_", "MANAGEMENT_", "SERVER_", "LOGGING_", "DOCKER_", "API_KEY", "WORKER_", "KUBECONFIG");
    private static final List<String> RESERVED_NAMES = List.of("PORT", "HOME", "PATH", "USER", "SCAN_ID", "LD_PRELOAD", "LD_LIBRARY_PATH");

    public static final String RESERVED_DESCRIPTION = "upper case, and none the services or the AWS SDKs read: "
            + String.join(", ", RESERVED_PREFIXES.stream().map(p -> p + "*").toList()) + ", " + String.join(", ", RESERVED_NAMES);

    private PassedVariables() {
    }

    public static boolean allowed(String name) {
        return name != null && NAME.matcher(name).matches() && RESERVED_PREFIXES.stream().noneMatch(name::startsWith)
                && !RESERVED_NAMES.contains(name);
    }
}
