package io.nubicustos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code nubicustos diff <scan>}: what is new and fixed against the previous scan (or {@code --against}). */
@Command(name = "diff", mixinStandardHelpOptions = true, description = "Shows what changed since the previous scan; --fail-on-new exits 1 when something is new.")
final class DiffCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Nubicustos root;

    @Parameters(index = "0", paramLabel = "SCAN_ID")
    java.util.UUID scanId;

    @Option(names = "--against", description = "the scan to compare with (default: the previous scan of the same profile and AWS profile)")
    java.util.UUID against;

    @Option(names = "--fail-on-new", description = "exit 1 when the scan has a new finding")
    boolean failOnNew;

    @Override
    public Integer call() {
        JsonNode diff = root.api().get("/api/scans/" + scanId + "/diff" + (against == null ? "" : "?against=" + against));
        root.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(diff));
        return failOnNew && diff.path("new").asLong(0) > 0 ? ExitCodes.FINDINGS : ExitCodes.CLEAN;
    }
}
