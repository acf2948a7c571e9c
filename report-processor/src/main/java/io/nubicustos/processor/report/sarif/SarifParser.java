package io.nubicustos.processor.report.sarif;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.BoundedTree;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import static io.nubicustos.processor.report.JsonReports.first;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Any tool's SARIF 2.1.0 log (report format {@code sarif}): every {@code *.sarif} or {@code *.sarif.json} file of the
 * step. A log is read twice: first each run's {@code tool} (its rules), then its {@code results}, streamed one at a time
 * (SARIF does not order {@code tool} before {@code results}). Per result, by the SARIF 2.1.0 specification (OASIS,
 * sections 3.27 result and 3.49 reportingDescriptor):
 * <ul>
 *   <li>check: {@code ruleId}, else the rule at {@code rule.index} / {@code ruleIndex}</li>
 *   <li>status: {@code kind} {@code pass} is a passing result; {@code open} and {@code review} need review (manual);
 *       {@code notApplicable} and {@code informational} are left out; else ({@code fail}, the default) failed. A result
 *       whose suppressions are all accepted (or say nothing) is muted.</li>
 *   <li>severity: the rule's {@code properties.security-severity} (a CVSS-like score, as GitHub code scanning reads it:
 *       9.0 critical, 7.0 high, 4.0 medium, above 0 low), else the result's {@code level} (or the rule's default
 *       level): error high, warning medium, note low, none info</li>
 *   <li>resource: the first location's artifact URI, with {@code #<logical location>} when the location names one,
 *       else {@code :<start line>}, so two results of one rule in one file stay two findings</li>
 * </ul>
 */
public final class SarifParser implements ReportParser {

    public static final String FORMAT = "sarif";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        throw new IllegalStateException("the sarif parser reads the report of a named tool");
    }

    @Override
    public String parse(Path reportDir, String tool, FindingSink sink) throws ReportException {
        List<Path> files = Stream.concat(ReportFiles.matching(reportDir, ".sarif").stream(),
                ReportFiles.matching(reportDir, ".sarif.json").stream()).sorted().toList();
        if (files.isEmpty()) {
            throw new ReportException("no SARIF log (*.sarif, *.sarif.json) in " + reportDir);
        }
        long[] counts = new long[5]; // results, failed, manual, muted, passed
        int runs = 0;
        for (Path file : files) {
            Map<Integer, Rules> rules = new HashMap<>();
            int[] runCount = new int[1];
            walkRuns(file, (parser, run, field) -> {
                runCount[0] = Math.max(runCount[0], run + 1);
                if (field.equals("tool")) {
                    rules.put(run, Rules.of(BoundedTree.read(parser, file)));
                } else {
                    parser.skipChildren();
                }
            });
            runs += runCount[0];
            walkRuns(file, (parser, run, field) -> {
                if (!field.equals("results") || parser.currentToken() != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    return;
                }
                Rules runRules = rules.getOrDefault(run, Rules.NONE);
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    var at = parser.currentTokenLocation();
                    JsonNode result = BoundedTree.read(parser, file);
                    try {
                        emit(tool, result, runRules, sink, counts, file, at);
                    } catch (RuntimeException e) {
                        throw JsonReports.unreadable(file, at, e);
                    }
                }
                if (parser.currentToken() != JsonToken.END_ARRAY) {
                    throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()), "a result that is not an object");
                }
            });
        }
        return "read " + counts[0] + " SARIF result(s) of " + runs + " run(s) in " + files.size() + " file(s): " + counts[1] + " failed, "
                + counts[2] + " to review, " + counts[3] + " suppressed, " + counts[4] + " passed";
    }

    private static void emit(String tool, JsonNode result, Rules rules, FindingSink sink, long[] counts, Path file,
                             tools.jackson.core.TokenStreamLocation at) throws ReportException {
        counts[0]++;
        int index = result.path("rule").path("index").asInt(result.path("ruleIndex").asInt(-1));
        String ruleId = first(text(result, "ruleId"), text(result.path("rule"), "id"));
        JsonNode rule = ruleId != null ? rules.byId().getOrDefault(ruleId, rules.at(index)) : rules.at(index);
        if (ruleId == null) {
            ruleId = text(rule, "id");
        }
        if (ruleId == null) {
            throw new ReportException(file, JsonReports.position(at), "result without ruleId or a rule it indexes");
        }
        String kind = first(text(result, "kind"), "fail");
        JsonNode location = result.path("locations").path(0);
        String resource = resource(location);
        if (kind.equals("pass")) {
            counts[4]++;
            sink.passed(ruleId, resource, null);
            return;
        }
        if (kind.equals("notApplicable") || kind.equals("informational")) {
            return;
        }
        FindingStatus status = kind.equals("open") || kind.equals("review") ? FindingStatus.MANUAL : FindingStatus.FAIL;
        // why: SARIF 2.1.0 3.27.23: suppressed only when every suppression is accepted (or says nothing); one under
        // review or rejected leaves the result standing
        JsonNode suppressions = result.path("suppressions");
        if (suppressions.isArray() && !suppressions.isEmpty()) {
            boolean accepted = true;
            for (JsonNode suppression : suppressions) {
                String state = text(suppression, "status");
                accepted &= state == null || state.equals("accepted");
            }
            if (accepted) {
                status = FindingStatus.SUPPRESSED;
            }
        }
        counts[status == FindingStatus.FAIL ? 1 : status == FindingStatus.MANUAL ? 2 : 3]++;
        String message = text(result.path("message"), "text");
        String help = first(text(rule.path("help"), "text"), text(rule.path("fullDescription"), "text"));
        String helpUri = text(rule, "helpUri");
        sink.accept(new Finding(tool, ruleId, first(text(rule.path("shortDescription"), "text"), text(rule, "name"), message, ruleId),
                severity(result, rule), status, null, null, null, resource, message,
                help == null ? helpUri : helpUri == null ? help : help + "\n" + helpUri, Map.of(), null));
    }

    private static String resource(JsonNode location) {
        String uri = text(location.path("physicalLocation").path("artifactLocation"), "uri");
        String logical = first(text(location.path("logicalLocations").path(0), "fullyQualifiedName"),
                text(location.path("logicalLocations").path(0), "name"));
        if (uri == null) {
            return logical;
        }
        if (logical != null) {
            return uri + "#" + logical;
        }
        int line = location.path("physicalLocation").path("region").path("startLine").asInt(0);
        return line > 0 ? uri + ":" + line : uri;
    }

    private static Severity severity(JsonNode result, JsonNode rule) {
        JsonNode score = rule.path("properties").path("security-severity");
        double value = -1;
        if (score.isNumber()) {
            value = score.asDouble();
        } else if (score.isString()) {
            try {
                value = Double.parseDouble(score.asString().strip());
            } catch (NumberFormatException ignored) {
                // an unreadable score: the level decides
            }
        }
        if (value >= 0) {
            return value >= 9.0 ? Severity.CRITICAL : value >= 7.0 ? Severity.HIGH : value >= 4.0 ? Severity.MEDIUM
                    : value > 0 ? Severity.LOW : Severity.INFO;
        }
        String level = first(text(result, "level"), text(rule.path("defaultConfiguration"), "level"), "warning");
        return switch (level) {
            case "error" -> Severity.HIGH;
            case "note" -> Severity.LOW;
            case "none" -> Severity.INFO;
            default -> Severity.MEDIUM;
        };
    }

    /** A run's rules, by id and by index. */
    private record Rules(Map<String, JsonNode> byId, List<JsonNode> byIndex) {
        static final Rules NONE = new Rules(Map.of(), List.of());

        static Rules of(JsonNode tool) {
            Map<String, JsonNode> byId = new HashMap<>();
            List<JsonNode> byIndex = new ArrayList<>();
            for (JsonNode rule : tool.path("driver").path("rules")) {
                byIndex.add(rule);
                String id = text(rule, "id");
                if (id != null) {
                    byId.putIfAbsent(id, rule);
                }
            }
            return new Rules(byId, byIndex);
        }

        JsonNode at(int index) {
            return index >= 0 && index < byIndex.size() ? byIndex.get(index) : tools.jackson.databind.node.MissingNode.getInstance();
        }
    }

    @FunctionalInterface
    private interface RunField {
        void read(JsonParser parser, int run, String field) throws ReportException;
    }

    /** Walks {@code runs[*]}'s fields, the parser at each field's value; everything else is skipped. */
    private static void walkRuns(Path file, RunField handler) throws ReportException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS); JsonParser parser = JsonReports.MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()), "expected a SARIF log object");
            }
            boolean sawRuns = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("version") && value == JsonToken.VALUE_STRING && !parser.getString().equals("2.1.0")) {
                    throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()),
                            "SARIF version " + parser.getString() + ": only 2.1.0 is read");
                }
                if (!name.equals("runs") || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                sawRuns = true;
                int run = 0;
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        parser.nextToken();
                        handler.read(parser, run, field);
                    }
                    run++;
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw new ReportException(file, JsonReports.position(parser.currentLocation()), "the log ends before its closing '}' (truncated report)");
            }
            if (!sawRuns) {
                throw new ReportException(file, null, "a SARIF log without runs");
            }
        } catch (JacksonException e) {
            throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        return JsonReports.text(node, field);
    }
}
