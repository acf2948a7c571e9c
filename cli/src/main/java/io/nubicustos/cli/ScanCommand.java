package io.nubicustos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code nubicustos scan}: submits a scan and, with {@code --wait}, follows it to the end and judges its findings. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Submits a scan; with --wait, waits for it and exits by --fail-on.")
final class ScanCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    Nubicustos root;

    @Option(names = "--profile", required = true, description = "a scan profile (quick, comprehensive, compliance-only, ...)")
    String profile;

    @Option(names = "--aws-profile", description = "the AWS credentials profile the tools use (default: the API's, default)")
    String awsProfile;

    @Option(names = "--severity", split = ",", description = "keep only these severities (comma-separated)")
    java.util.List<String> severities;

    @Option(names = "--wait", description = "wait until the scan settles, then exit by --fail-on")
    boolean await;

    @Option(names = "--fail-on", defaultValue = "critical", description = "with --wait: exit 1 when a finding is this severe or more "
            + "(critical, high, medium, low, info; none: never). Default: ${DEFAULT-VALUE}")
    String failOn;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "with --wait: give up after this long (ISO-8601, e.g. PT30M). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--poll", defaultValue = "PT2S", hidden = true)
    Duration poll;

    @Option(names = "--sarif", description = "with --wait: write the findings as SARIF 2.1.0 to this file")
    Path sarif;

    @Option(names = "--junit", description = "with --wait: write a JUnit XML report to this file (one test case per finding)")
    Path junit;

    @Override
    public Integer call() {
        Severity threshold = Severity.parse(failOn);
        if (!await && (sarif != null || junit != null)) {
            throw new CliException(ExitCodes.USAGE, "--sarif and --junit need --wait");
        }
        ApiClient api = root.api();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("profile", profile);
        if (awsProfile != null) {
            body.put("aws_profile", awsProfile);
        }
        if (severities != null && !severities.isEmpty()) {
            body.put("severity_filter", severities);
        }
        JsonNode accepted = api.post("/api/scans", body);
        String id = accepted.path("scan_id").asString();
        root.out.println(id);
        root.err.println("scan " + id + " accepted: " + accepted.path("tools"));
        if (!await) {
            return ExitCodes.CLEAN;
        }
        JsonNode status = Waiting.untilTerminal(api, "/api/scans/" + id + "/status", timeout, poll, root.err,
                s -> s.path("terminal").asBoolean(false));
        if (sarif != null) {
            api.download("/api/scans/" + id + "/findings/export?format=sarif", sarif);
        }
        if (junit != null) {
            JunitReport.write(api, id, status, threshold, junit);
        }
        return Verdict.of(status, threshold, root.err);
    }
}
