package io.nubicustos.gateway.control;

import io.nubicustos.gateway.control.Compliance.Framework;
import io.nubicustos.gateway.control.Compliance.Requirement;
import tools.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * The compliance view as files an auditor keeps: CSV (one row per requirement) and one HTML page with everything inline
 * (styles, no script, no image, no font or link to load), so it reads the same offline, in a mail or an archive years
 * later. The totals carry {@code data-framework} and {@code data-status} attributes: a test reads them back from the
 * page a real browser rendered.
 */
final class ComplianceReport {

    private ComplianceReport() {
    }

    static String csv(List<Framework> frameworks) {
        StringBuilder out = new StringBuilder("framework,requirement,title,status,tools,failed,manual,passed\r\n");
        for (Framework f : frameworks) {
            for (Requirement r : f.requirements()) {
                out.append(cell(f.framework())).append(',').append(cell(r.id())).append(',').append(cell(r.title())).append(',')
                        .append(r.status()).append(',').append(cell(String.join(" ", r.tools()))).append(',').append(r.failed())
                        .append(',').append(r.manual()).append(',').append(r.passed()).append("\r\n");
            }
        }
        return out.toString();
    }

    /** RFC 4180 quoting, and a leading =, +, - or @ defused, so a spreadsheet never runs a cell as a formula. */
    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    static String html(UUID scanId, String profile, String awsProfile, OffsetDateTime created, OffsetDateTime generated, List<Framework> frameworks) {
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
                <title>Compliance of scan\s""").append(esc(scanId.toString())).append("""
                </title>
                <style>
                body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2330}
                h1{font-size:1.5rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:2px solid #d8dde6;padding-bottom:.3rem}
                .meta{color:#5b6475;font-size:.9rem} table{border-collapse:collapse;width:100%;margin-top:.8rem;font-size:.88rem}
                th,td{border:1px solid #d8dde6;padding:.35rem .5rem;text-align:left;vertical-align:top} th{background:#f2f4f8}
                .totals td{font-size:1.3rem;font-weight:600;text-align:center} .totals th{text-align:center}
                .fail{color:#b3261e} .pass{color:#1e7b34} .manual{color:#8a5a00} .not_covered{color:#5b6475}
                .badge{display:inline-block;border-radius:.6rem;padding:.05rem .55rem;font-weight:600;font-size:.8rem;border:1px solid currentColor}
                ul{margin:.2rem 0;padding-left:1.1rem} .small{font-size:.8rem;color:#5b6475}
                </style></head><body>
                """);
        out.append("<h1>Compliance report</h1>\n<p class=\"meta\">Scan <code>").append(esc(scanId.toString())).append("</code>, profile ")
                .append(esc(profile)).append(", AWS profile ").append(esc(awsProfile)).append(", started ").append(esc(String.valueOf(created)))
                .append(". Generated ").append(esc(String.valueOf(generated))).append(" by Nubicustos from the findings and passing results of every tool of the scan.</p>\n");
        if (frameworks.isEmpty()) {
            out.append("<p>No framework: no tool of this scan evaluated a requirement of one.</p>\n");
        }
        for (Framework f : frameworks) {
            out.append("<section data-framework=\"").append(esc(f.framework())).append("\">\n<h2>").append(esc(f.title())).append("</h2>\n");
            out.append("<p class=\"meta\">").append(f.source().equals("mapping")
                    ? "Every requirement of the framework, through Nubicustos's mapping of each tool's checks and the tools' own compliance fields."
                    : "The requirements the tools themselves named; requirements no tool named are not listed.").append("</p>\n");
            out.append("<table class=\"totals\"><tr><th>Fail</th><th>Manual</th><th>Pass</th><th>Not covered</th></tr><tr>");
            for (String status : Compliance.STATUSES) {
                out.append("<td class=\"").append(status).append("\" data-framework=\"").append(esc(f.framework())).append("\" data-status=\"")
                        .append(status).append("\">").append(f.totals().get(status)).append("</td>");
            }
            out.append("</tr></table>\n<table><tr><th>Requirement</th><th>Status</th><th>Tools</th><th>Findings</th></tr>\n");
            for (Requirement r : f.requirements()) {
                out.append("<tr data-requirement=\"").append(esc(r.id())).append("\"><td><b>").append(esc(r.id())).append("</b>");
                if (r.title() != null) {
                    out.append(" ").append(esc(r.title()));
                }
                out.append("</td><td><span class=\"badge ").append(r.status()).append("\">").append(r.status().replace('_', ' ')).append("</span></td><td>")
                        .append(esc(String.join(", ", r.tools()))).append("</td><td>");
                if (r.findings().isEmpty()) {
                    out.append(r.passed() > 0 ? "<span class=\"small\">" + r.passed() + " passing result(s)</span>" : "");
                } else {
                    out.append("<ul>");
                    for (JsonNode finding : r.findings()) {
                        out.append("<li>").append(esc(finding.path("tool").asString(""))).append(" <code>").append(esc(finding.path("check_id").asString("")))
                                .append("</code> ").append(esc(finding.path("severity").asString(""))).append(" ")
                                .append(esc(finding.path("resource_id").asString(""))).append(finding.path("region").isString()
                                        ? " <span class=\"small\">" + esc(finding.path("region").asString()) + "</span>" : "").append("</li>");
                    }
                    out.append("</ul>");
                    if (r.findingsTotal() > r.findings().size()) {
                        out.append("<span class=\"small\">and ").append(r.findingsTotal() - r.findings().size()).append(" more</span>");
                    }
                }
                out.append("</td></tr>\n");
            }
            out.append("</table>\n</section>\n");
        }
        out.append("</body></html>\n");
        return out.toString();
    }

    /** Text as HTML text or attribute value: a tool's strings never become markup. */
    static String esc(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
