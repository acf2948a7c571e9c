package io.nubicustos.cli;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JUnit XML report a CI server shows as test results: one suite per tool, one test case per finding, failed when the
 * finding is at or above the threshold and not triaged (so the report and the exit code agree), skipped otherwise; a
 * scan that did not complete is one errored case.
 */
final class JunitReport {

    private JunitReport() {
    }

    static void write(ApiClient api, String scanId, JsonNode status, Severity threshold, Path file) {
        Map<String, List<JsonNode>> byTool = new LinkedHashMap<>();
        int page = 0;
        long seen = 0;
        while (true) {
            JsonNode body = api.get("/api/scans/" + scanId + "/findings?size=500&page=" + page);
            for (JsonNode f : body.path("findings")) {
                byTool.computeIfAbsent(f.path("tool").asString(), k -> new ArrayList<>()).add(f);
                seen++;
            }
            if (body.path("findings").size() < 500 || seen >= body.path("total").asLong()) {
                break;
            }
            page++;
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuites name=\"nubicustos scan ").append(esc(scanId)).append("\">\n");
        if (!"completed".equals(status.path("status").asString())) {
            xml.append("  <testsuite name=\"scan\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n")
                    .append("    <testcase classname=\"nubicustos.scan\" name=\"").append(esc(scanId)).append("\">\n")
                    .append("      <error message=\"the scan ").append(esc(status.path("status").asString())).append("\"/>\n")
                    .append("    </testcase>\n  </testsuite>\n");
        }
        List<Severity> failing = threshold.andAbove();
        for (Map.Entry<String, List<JsonNode>> tool : byTool.entrySet()) {
            long failures = tool.getValue().stream().filter(f -> counts(f, failing)).count();
            xml.append("  <testsuite name=\"").append(esc(tool.getKey())).append("\" tests=\"").append(tool.getValue().size())
                    .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(tool.getValue().size() - failures).append("\">\n");
            for (JsonNode f : tool.getValue()) {
                boolean fails = counts(f, failing);
                String name = f.path("check_id").asString() + " " + f.path("resource_id").asString("");
                xml.append("    <testcase classname=\"").append(esc(tool.getKey() + "." + f.path("check_id").asString())).append("\" name=\"")
                        .append(esc(name.strip())).append("\">\n");
                String message = f.path("severity").asString() + ": " + f.path("title").asString("");
                if (fails) {
                    xml.append("      <failure type=\"").append(esc(f.path("severity").asString())).append("\" message=\"").append(esc(message)).append("\">")
                            .append(esc(f.path("description").asString(""))).append("</failure>\n");
                } else {
                    xml.append("      <skipped message=\"").append(esc((f.path("triage").isObject() ? "triaged: " : "below --fail-on: ") + message))
                            .append("\"/>\n");
                }
                xml.append("    </testcase>\n");
            }
            xml.append("  </testsuite>\n");
        }
        xml.append("</testsuites>\n");
        try {
            Files.writeString(file, xml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A finding the verdict counts: at or above the threshold and not triaged (the scan's counts leave triaged ones out). */
    private static boolean counts(JsonNode finding, List<Severity> failing) {
        return finding.path("triage").isNull() || finding.path("triage").isMissingNode()
                ? failing.contains(Severity.parse(finding.path("severity").asString("info"))) : false;
    }

    /** XML text and attribute escaping; characters XML 1.0 cannot hold are dropped. */
    static String esc(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000) {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
