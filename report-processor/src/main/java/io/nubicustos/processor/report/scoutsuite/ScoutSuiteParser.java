package io.nubicustos.processor.report.scoutsuite;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.BoundedTree;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.LinkOption;
import java.time.Instant;
import tools.jackson.core.TokenStreamLocation;

/**
 * ScoutSuite's {@code scoutsuite_results_<name>.js}: a first line {@code scoutsuite_results =}, then one
 * JSON document. Every entry of a rule's {@code items} is one flagged resource, so one finding.
 * <ul>
 *   <li>Severity from the rule's level: {@code danger} is high, {@code warning} medium (ScoutSuite has
 *       only these two; DefectDojo's danger-is-critical would rank every ScoutSuite alert above
 *       Prowler's own critical checks).</li>
 *   <li>Region: the path segment after {@code regions} ({@code global} without one); resource: the item
 *       path (ScoutSuite has no ARNs);
 *       account: the top-level {@code account_id}.</li>
 *   <li>Streamed: the resource data under {@code services} is skipped token by token; only the rules are
 *       read into memory, one at a time.</li>
 * </ul>
 */
public final class ScoutSuiteParser implements ReportParser {

    public static final String FORMAT = "scoutsuite-js";
    private static final String TOOL = "scoutsuite";
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.matching(reportDir, ".js").stream()
                .filter(p -> p.getFileName().toString().startsWith("scoutsuite_results_")).toList();
        if (files.isEmpty()) {
            throw new ReportException("no ScoutSuite results (scoutsuite_results_*.js) in " + reportDir);
        }
        Tally counts = new Tally();
        for (Path file : files) {
            parseFile(file, sink, counts);
        }
        return "read " + counts.rules + " flagged rule(s) with " + counts.items + " flagged item(s) from " + files.size() + " ScoutSuite file(s)";
    }

    private void parseFile(Path file, FindingSink sink, Tally counts) throws ReportException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            skipAssignment(in, file);
            try (JsonParser parser = JsonReports.MAPPER.createParser(in)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()),
                            "expected the ScoutSuite results object after 'scoutsuite_results ='");
                }
                Context context = new Context(accountFromName(file), null, null);
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (name) {
                        case "account_id" -> context = context.withAccount(value.isScalarValue() ? parser.getString() : context.account());
                        case "provider_code" -> context = context.withProvider(value.isScalarValue() ? parser.getString() : null);
                        case "last_run" -> context = context.withTime(runTime(BoundedTree.read(parser, file)));
                        case "services" -> readServices(parser, file, context, sink, counts);
                        default -> parser.skipChildren();
                    }
                }
            }
        } catch (JacksonException e) {
            throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }

    /** Consumes {@code scoutsuite_results =} (the first line), leaving the stream at the JSON document. */
    private static void skipAssignment(InputStream in, Path file) throws IOException, ReportException {
        StringBuilder prefix = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '=') {
            prefix.append((char) b);
            if (prefix.length() > 64) {
                break;
            }
        }
        if (b != '=' || !prefix.toString().strip().equals("scoutsuite_results")) {
            throw new ReportException(file, "line 1", "expected the file to start with 'scoutsuite_results ='");
        }
    }

    private void readServices(JsonParser parser, Path file, Context context, FindingSink sink, Tally counts) throws ReportException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()), "'services' is not an object");
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String service = parser.currentName();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("findings") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String ruleKey = parser.currentName();
                        parser.nextToken();
                        var at = parser.currentTokenLocation();
                        JsonNode rule = BoundedTree.read(parser, file);
                        try {
                            emit(service, ruleKey, rule, context, sink, counts, file, at);
                        } catch (RuntimeException e) {
                            throw JsonReports.unreadable(file, at, e);
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    private static void emit(String service, String ruleKey, JsonNode rule, Context context, FindingSink sink, Tally counts,
                             Path file, TokenStreamLocation at) throws ReportException {
        JsonNode items = rule.path("items");
        if (!items.isArray() || items.isEmpty()) {
            // why: ScoutSuite lists only flagged items; a rule that checked some and flagged none passed on all it checked
            if (rule.path("checked_items").asLong(0) > 0 && rule.path("flagged_items").asLong(0) == 0) {
                sink.passed(ruleKey, null, null, compliance(rule.path("compliance")));
            }
            return;
        }
        counts.rules++;
        String level = JsonReports.text(rule, "level");
        Severity severity = "danger".equals(level) ? Severity.HIGH : "warning".equals(level) ? Severity.MEDIUM : Severity.INFO;
        String rationale = JsonReports.text(rule, "rationale");
        String remediation = remediation(rule);
        Map<String, List<String>> compliance = compliance(rule.path("compliance"));
        for (JsonNode item : items) {
            if (!item.isString()) {
                throw new ReportException(file, JsonReports.position(at), "rule '" + ruleKey + "' has an item that is not a path");
            }
            String path = item.asString();
            // why: the whole item path, like ScoutSuite's own report; it is unique per flagged item
            String resource = path;
            counts.items++;
            sink.accept(new Finding(TOOL, ruleKey, JsonReports.text(rule, "description"), severity, FindingStatus.FAIL,
                    context.account(), region(path), service, resource,
                    (rationale == null ? "" : rationale + "\n") + "Flagged item: " + path, remediation, compliance, context.time()));
        }
    }

    static String region(String path) {
        String[] segments = path.split("\\.");
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].equals("regions")) {
                return segments[i + 1];
            }
        }
        return "global";
    }

    private static String remediation(JsonNode rule) {
        List<String> parts = new ArrayList<>();
        String text = JsonReports.text(rule, "remediation");
        if (text != null) {
            parts.add(text);
        }
        for (JsonNode ref : rule.path("references")) {
            if (ref.isString()) {
                parts.add(ref.asString());
            }
        }
        return parts.isEmpty() ? null : String.join("\n", parts);
    }

    private static Map<String, List<String>> compliance(JsonNode node) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (node.isArray()) {
            for (JsonNode entry : node) {
                String framework = (JsonReports.text(entry, "name") + " " + (JsonReports.text(entry, "version") == null ? "" : JsonReports.text(entry, "version"))).strip();
                String reference = JsonReports.text(entry, "reference");
                result.computeIfAbsent(framework, k -> new ArrayList<>());
                if (reference != null) {
                    result.get(framework).add(reference);
                }
            }
        }
        return result;
    }

    private static Instant runTime(JsonNode lastRun) {
        String time = JsonReports.text(lastRun, "time");
        if (time == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time, RUN_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code scoutsuite_results_aws-430150006394.js}: the account when the results carry none. */
    private static String accountFromName(Path file) {
        String name = file.getFileName().toString();
        String base = name.substring("scoutsuite_results_".length(), name.length() - ".js".length());
        int dash = base.indexOf('-');
        return dash < 0 ? null : base.substring(dash + 1);
    }

    private record Context(String account, String provider, Instant time) {
        Context withAccount(String value) {
            return new Context(value, provider, time);
        }

        Context withProvider(String value) {
            return new Context(account, value, time);
        }

        Context withTime(Instant value) {
            return new Context(account, provider, value);
        }
    }

    /** What a report held: flagged rules, and the flagged items they name. */
    private static final class Tally {
        long rules;
        long items;
    }
}
