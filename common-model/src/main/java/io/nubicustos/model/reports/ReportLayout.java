package io.nubicustos.model.reports;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where reports live under the reports root, for every service that touches them: a scan's directory is
 * {@code <root>/<scan id>}, a step's report directory {@code <root>/<scan id>/<tool>} (the tool's report
 * path is bound there), and a step attempt's staged credentials {@code <root>/.credentials/<execution id>}.
 * Names are checked, so no tool or execution id can point outside the root.
 */
public record ReportLayout(Path root) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final String CREDENTIALS = ".credentials";
    private static final String LOGS = ".logs";

    public ReportLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path scanDirectory(UUID scanId) {
        return root.resolve(scanId.toString());
    }

    public Path stepDirectory(UUID scanId, String tool) {
        return scanDirectory(scanId).resolve(segment("tool", tool));
    }

    /**
     * Where the worker keeps the steps' whole logs, {@code <root>/<scan id>/.logs}: beside the reports, inside the scan's
     * directory (so archives and pruning take them along), but outside every step's report directory, which is the
     * only part of the scan a container can write.
     */
    public Path logsDirectory(UUID scanId) {
        return scanDirectory(scanId).resolve(LOGS);
    }

    /** A step's whole log (stdout and stderr interleaved as the engine stored them, redacted, bounded). */
    public Path logFile(UUID scanId, String tool) {
        return logsDirectory(scanId).resolve(segment("tool", tool) + ".log");
    }

    /** Where the worker stages the one profile a step attempt may see. */
    public Path credentialsRoot() {
        return root.resolve(CREDENTIALS);
    }

    public Path credentialsDirectory(String executionId) {
        return credentialsRoot().resolve(segment("execution id", executionId));
    }

    /**
     * The same directory as the Docker host sees it, when the reports root is mounted there at {@code hostRoot}
     * (a worker in a container); {@code hostRoot} null or blank means the paths are equal.
     */
    public String onHost(String hostRoot, Path directory) {
        Path relative = root.relativize(directory.toAbsolutePath().normalize());
        if (relative.startsWith("..")) {
            throw new IllegalArgumentException(directory + " is not under the reports root " + root);
        }
        String base = hostRoot == null || hostRoot.isBlank() ? root.toString() : hostRoot;
        return relative.toString().isEmpty() ? base : base + "/" + relative.toString().replace('\\', '/');
    }

    private static String segment(String what, String name) {
        if (name == null || !SEGMENT.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a " + what + ": " + name);
        }
        return name;
    }
}
