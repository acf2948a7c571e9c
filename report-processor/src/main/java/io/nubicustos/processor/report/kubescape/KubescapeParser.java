package io.nubicustos.processor.report.kubescape;

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

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.LinkOption;
import tools.jackson.core.TokenStreamLocation;

/**
 * Kubescape's JSON posture report (v3, and the older 2022 layout whose controls have no status).
 * One finding per failed control per resource; the control's severity comes from its
 * {@code summaryDetails} {@code scoreFactor} with Kubescape's own bands (9+ critical, 7+ high,
 * 4+ medium, 1+ low). The summary may come after the results, so the file is streamed twice: once for
 * the control summary, once for the results; neither pass holds the report.
 */
public final class KubescapeParser implements ReportParser {

    public static final String FORMAT = "kubescape-json";
    private static final String TOOL = "kubescape";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.required(reportDir, ".json", "Kubescape results");
        Tally counts = new Tally();
        for (Path file : files) {
            Map<String, Control> controls = controls(file);
            results(file, controls, sink, counts);
        }
        return "read " + counts.results + " resource result(s) with " + counts.failedControls + " failed control(s) from " + files.size() + " Kubescape file(s)";
    }

    static Severity severity(double scoreFactor) {
        if (scoreFactor >= 9) {
            return Severity.CRITICAL;
        }
        if (scoreFactor >= 7) {
            return Severity.HIGH;
        }
        if (scoreFactor >= 4) {
            return Severity.MEDIUM;
        }
        if (scoreFactor >= 1) {
            return Severity.LOW;
        }
        return Severity.INFO;
    }

    private Map<String, Control> controls(Path file) throws ReportException {
        Map<String, Control> controls = new HashMap<>();
        Map<String, Map<String, List<String>>> frameworksOf = new HashMap<>();
        read(file, (parser, name) -> {
            if (!name.equals("summaryDetails") || parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("controls") && parser.currentToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String id = parser.currentName();
                        parser.nextToken();
                        JsonNode control = BoundedTree.read(parser, file);
                        controls.put(id, new Control(JsonReports.text(control, "name"), control.path("scoreFactor").asDouble(0)));
                    }
                } else if (field.equals("frameworks") && parser.currentToken() == JsonToken.START_ARRAY) {
                    // why: which of the scanned frameworks (NSA, MITRE, CIS...) name each control: the compliance view's source
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode framework = BoundedTree.read(parser, file);
                        String frameworkName = JsonReports.text(framework, "name");
                        if (frameworkName != null) {
                            for (String id : framework.path("controls").propertyNames()) {
                                frameworksOf.computeIfAbsent(id, k -> new java.util.LinkedHashMap<>()).put(frameworkName, List.of(id));
                            }
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
        });
        frameworksOf.forEach((id, frameworks) -> controls.merge(id, new Control(null, 0, frameworks),
                (known, named) -> new Control(known.name(), known.scoreFactor(), named.frameworks())));
        return controls;
    }

    private void results(Path file, Map<String, Control> controls, FindingSink sink, Tally counts) throws ReportException {
        String[] cluster = new String[1];
        read(file, (parser, name) -> {
            if (name.equals("clusterName") && parser.currentToken().isScalarValue()) {
                cluster[0] = parser.getString();
                return;
            }
            if (!name.equals("results") || parser.currentToken() != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                var at = parser.currentTokenLocation();
                JsonNode result = BoundedTree.read(parser, file);
                try {
                    emit(result, controls, cluster[0], sink, counts, file, at);
                } catch (RuntimeException e) {
                    throw JsonReports.unreadable(file, at, e);
                }
            }
        });
    }

    private static void emit(JsonNode result, Map<String, Control> controls, String cluster, FindingSink sink, Tally counts, Path file,
                             TokenStreamLocation at) throws ReportException {
                counts.results++;
                String resourceId = JsonReports.text(result, "resourceID");
                for (JsonNode control : result.path("controls")) {
                    if (!failed(control)) {
                        String passedId = JsonReports.text(control, "controlID");
                        if (passedId != null && passed(control)) {
                            sink.passed(passedId, resourceId, null, controls.getOrDefault(passedId, new Control(null, 0)).frameworks());
                        }
                        continue;
                    }
                    counts.failedControls++;
                    String id = JsonReports.text(control, "controlID");
                    if (id == null) {
                        throw new ReportException(file, JsonReports.position(at), "a failed control of " + resourceId + " has no controlID");
                    }
                    Control summary = controls.getOrDefault(id, new Control(JsonReports.text(control, "name"), 0));
                    String controlName = summary.name() != null ? summary.name() : JsonReports.text(control, "name");
                    sink.accept(new Finding(TOOL, id, controlName + " - " + describe(resourceId), severity(summary.scoreFactor()),
                            FindingStatus.FAIL, cluster, null, "kubernetes", resourceId,
                            "Control " + id + " (" + controlName + ") failed for " + resourceId + failedRules(control),
                            "https://hub.armosec.io/docs/" + id.toLowerCase(), summary.frameworks(), null));
                }
    }

    /** A control passed: its status says so, or (older layout, no status) it has rules and every one passed. */
    private static boolean passed(JsonNode control) {
        String status = JsonReports.text(control.path("status"), "status");
        if (status != null) {
            return status.equals("passed");
        }
        boolean any = false;
        for (JsonNode rule : control.path("rules")) {
            if (!"passed".equals(JsonReports.text(rule, "status"))) {
                return false;
            }
            any = true;
        }
        return any;
    }

    /** A control failed: its status says so, or (older layout, no status) one of its rules failed. */
    static boolean failed(JsonNode control) {
        String status = JsonReports.text(control.path("status"), "status");
        if (status != null) {
            return status.equals("failed");
        }
        for (JsonNode rule : control.path("rules")) {
            if ("failed".equals(JsonReports.text(rule, "status"))) {
                return true;
            }
        }
        return false;
    }

    private static String failedRules(JsonNode control) {
        StringBuilder rules = new StringBuilder();
        for (JsonNode rule : control.path("rules")) {
            if ("failed".equals(JsonReports.text(rule, "status"))) {
                rules.append(rules.isEmpty() ? "; failed rules: " : ", ").append(JsonReports.text(rule, "name"));
            }
        }
        return rules.toString();
    }

    /** {@code .../apps/v1//Deployment/nginx} as {@code Deployment nginx}. */
    static String describe(String resourceId) {
        if (resourceId == null) {
            return "unknown resource";
        }
        String[] parts = resourceId.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] + " " + parts[parts.length - 1] : resourceId;
    }

    private interface TopLevelField {
        void read(JsonParser parser, String name) throws ReportException;
    }

    private static void read(Path file, TopLevelField handler) throws ReportException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS); JsonParser parser = JsonReports.MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()), "expected a Kubescape report object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                handler.read(parser, name);
            }
            if (token != JsonToken.END_OBJECT) {
                throw new ReportException(file, JsonReports.position(parser.currentLocation()), "the report ends before its closing '}' (truncated report)");
            }
        } catch (JacksonException e) {
            throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }

    /** @param frameworks the frameworks of the scan that contain the control (the findings' compliance: framework to [control]) */
    private record Control(String name, double scoreFactor, Map<String, List<String>> frameworks) {
        Control(String name, double scoreFactor) {
            this(name, scoreFactor, Map.of());
        }
    }

    /** What a report held: resource results, and the failed controls among them. */
    private static final class Tally {
        long results;
        long failedControls;
    }
}
