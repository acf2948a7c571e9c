package io.nubicustos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code nubicustos findings <scan>}: the scan's findings as a table (or JSON), every page. */
@Command(name = "findings", mixinStandardHelpOptions = true, description = "Lists a scan's findings.")
final class FindingsCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Nubicustos root;

    @Parameters(index = "0", paramLabel = "SCAN_ID")
    java.util.UUID scanId;

    @Option(names = "--severity", description = "only this severity")
    String severity;

    @Option(names = "--tool", description = "only this tool")
    String tool;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    @Override
    public Integer call() {
        ApiClient api = root.api();
        if (severity != null) {
            Severity parsed = Severity.parse(severity);
            if (parsed == Severity.NONE) {
                throw new CliException(ExitCodes.USAGE, "--severity takes critical, high, medium, low or info");
            }
            severity = parsed.api();
        }
        int page = 0;
        long shown = 0;
        while (true) {
            String query = "/api/scans/" + scanId + "/findings?size=500&page=" + page
                    + (severity == null ? "" : "&severity=" + encode(severity)) + (tool == null ? "" : "&tool=" + encode(tool));
            JsonNode body = api.get(query);
            for (JsonNode f : body.path("findings")) {
                shown++;
                if (json) {
                    root.out.println(ApiClient.JSON.writeValueAsString(f));
                } else {
                    root.out.printf("%-8s  %-15s  %-50s  %s  [%s]%n", f.path("severity").asString(), f.path("tool").asString(),
                            f.path("check_id").asString(), f.path("resource_id").asString(""), String.join(",",
                                    f.path("confirmed_by").valueStream().map(JsonNode::asString).toList()));
                }
            }
            if (body.path("findings").size() < 500 || shown >= body.path("total").asLong()) {
                break;
            }
            page++;
        }
        root.err.println(shown + " finding(s)");
        return ExitCodes.CLEAN;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
