package io.nubicustos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code nubicustos status <scan>}: a scan's status and findings; exits like {@code scan --wait} once it settled. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a scan's status; once settled, exits by --fail-on.")
final class StatusCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Nubicustos root;

    @Parameters(index = "0", paramLabel = "SCAN_ID")
    java.util.UUID scanId;

    @Option(names = "--fail-on", defaultValue = "none", description = "exit 1 when a settled scan has a finding this severe or more. Default: ${DEFAULT-VALUE}")
    String failOn;

    @Override
    public Integer call() {
        Severity threshold = Severity.parse(failOn);
        JsonNode status = root.api().get("/api/scans/" + scanId + "/status");
        root.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
        return status.path("terminal").asBoolean(false) ? Verdict.of(status, threshold, root.err) : ExitCodes.CLEAN;
    }
}
