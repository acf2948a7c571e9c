package io.nubicustos.processor.report.custodian;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.BoundedLines;
import io.nubicustos.processor.report.BoundedTree;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import tools.jackson.core.JsonParser;

/**
 * Cloud Custodian's output directory: {@code <dir>/[<region>/]<policy>/resources.json}, beside the
 * policy's {@code metadata.json}. Every resource a policy matched is a finding.
 * <ul>
 *   <li>Severity: the policy's {@code metadata.severity} when the policy author set one, else
 *       <b>medium</b> (c7n itself has no severity; a policy exists because its matches matter).</li>
 *   <li>Resource id: the first of the usual id fields of AWS describe calls ({@code Arn},
 *       {@code InstanceId}, {@code Name}, ...), else the first field ending in {@code Id}.</li>
 *   <li>Region: the directory level above the policy when it looks like a region, else the run's
 *       configured region; account: the run's configured account id.</li>
 * </ul>
 */
public final class CustodianParser implements ReportParser {

    public static final String FORMAT = "custodian-resources";
    private static final String TOOL = "cloud-custodian";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    private static final List<String> ID_FIELDS = List.of("Arn", "ARN", "InstanceId", "DBInstanceIdentifier", "FunctionName",
            "GroupId", "VpcId", "VolumeId", "SnapshotId", "BucketName", "Name", "UserName", "RoleName", "KeyId", "id");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.matching(reportDir, "resources.json").stream()
                .filter(p -> p.getFileName().toString().equals("resources.json")).toList();
        RunLog log = RunLog.read(ReportFiles.matching(reportDir, "custodian-run.log"));
        if (files.isEmpty()) {
            throw new ReportException("no Cloud Custodian output (<policy>/resources.json) in " + reportDir
                    + (log.errors() > 0 ? "; the run log has " + log.errors() + " error(s), first: " + log.firstError() : ""));
        }
        long matched = 0;
        for (Path file : files) {
            matched += parseFile(file, sink);
        }
        return "read " + files.size() + " policy output(s) with " + matched + " matched resource(s)" + log.summary();
    }

    /** What {@code custodian-run.log} says: policy runs with their counts, and errors (policies that raised). */
    record RunLog(long runs, long reportedMatches, long errors, String firstError) {

        private static final Pattern RUN = Pattern.compile("policy: ?(\\S+) resource:(\\S+)(?: region:(\\S+))?(?: has)? count:(\\d+)");

        static RunLog read(List<Path> logs) throws ReportException {
            long runs = 0;
            long matches = 0;
            long errors = 0;
            String first = null;
            for (Path log : logs) {
                try (BoundedLines reader = new BoundedLines(new InputStreamReader(Files.newInputStream(log,
                        LinkOption.NOFOLLOW_LINKS), StandardCharsets.ISO_8859_1), 64 * 1024)) {
                    String line;
                    while ((line = reader.next()) != null) {
                        // why: real run-log lines are short; a long one is not matched against the pattern (it would cost O(n²))
                        var run = RUN.matcher(line.length() > 4096 ? "" : line);
                        if (run.find()) {
                            runs++;
                            matches += Long.parseLong(run.group(4));
                        } else if (line.contains(" - ERROR - ")) {
                            errors++;
                            if (first == null) {
                                first = line.substring(line.indexOf(" - ERROR - ") + 11).strip();
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new ReportException(log, null, "cannot read: " + e.getMessage());
                }
            }
            return new RunLog(runs, matches, errors, first);
        }

        String summary() {
            return runs == 0 && errors == 0 ? "" : "; run log: " + runs + " policy run(s), " + errors + " error(s)";
        }
    }

    private long parseFile(Path file, FindingSink sink) throws ReportException {
        Path policyDir = file.getParent();
        String policy = policyDir.getFileName().toString();
        JsonNode metadata = metadata(policyDir.resolve("metadata.json"));
        JsonNode policyNode = metadata.path("policy");
        Severity severity = Severity.parse(JsonReports.text(policyNode.path("metadata"), "severity")).orElse(Severity.MEDIUM);
        String title = JsonReports.text(policyNode, "description");
        String resourceType = JsonReports.text(policyNode, "resource");
        String parent = policyDir.getParent() == null ? null : policyDir.getParent().getFileName().toString();
        String region = parent != null && REGION.matcher(parent).matches() ? parent : JsonReports.text(metadata.path("config"), "region");
        String account = JsonReports.text(metadata.path("config"), "account_id");
        long[] count = new long[1];
        String fallbackRegion = region;
        JsonReports.forEachObject(file, "matched resources", (resource, at) -> {
            count[0]++;
            String id = resourceId(resource);
            String resourceRegion = fallbackRegion != null ? fallbackRegion : availabilityZoneRegion(resource);
            sink.accept(new Finding(TOOL, policy, title != null ? title : "Matched by policy " + policy, severity,
                    FindingStatus.FAIL, account, resourceRegion, resourceType, id,
                    "Resource " + id + " matched Cloud Custodian policy " + policy
                            + (resource.has("c7n:MatchedFilters") ? "; matched filters: " + resource.get("c7n:MatchedFilters") : ""),
                    null, Map.of(), null));
        });
        return count[0];
    }

    private static JsonNode metadata(Path file) throws ReportException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return JsonReports.MAPPER.createObjectNode();
        }
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
             JsonParser parser = JsonReports.MAPPER.createParser(in)) {
            parser.nextToken();
            return BoundedTree.read(parser, file);
        } catch (JacksonException e) {
            throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }

    static String resourceId(JsonNode resource) {
        for (String field : ID_FIELDS) {
            String value = JsonReports.text(resource, field);
            if (value != null) {
                return value;
            }
        }
        for (Map.Entry<String, JsonNode> field : resource.properties()) {
            if (field.getKey().endsWith("Id") && field.getValue().isString()) {
                return field.getValue().asString();
            }
        }
        return null;
    }

    private static String availabilityZoneRegion(JsonNode resource) {
        String zone = JsonReports.text(resource.path("Placement"), "AvailabilityZone");
        return zone == null || zone.length() < 2 ? null : zone.substring(0, zone.length() - 1);
    }
}
