package io.nubicustos.gateway.webhook;

import tools.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * A Slack-compatible body ({@code {"text": ...}}, which Slack's incoming webhooks and most chat tools take) saying what
 * the event says, in one line or a few.
 */
final class SlackMessage {

    private SlackMessage() {
    }

    static Map<String, String> of(JsonNode event) {
        JsonNode data = event.path("data");
        String scan = data.path("scan_id").asString("");
        String profile = data.path("profile").asString("");
        String type = event.path("type").asString("");
        StringBuilder text = new StringBuilder("Nubicustos: ");
        switch (type) {
            case "io.nubicustos.scan.degraded" -> {
                text.append("scan ").append(scan).append(" (").append(profile).append(") ").append(data.path("status").asString())
                        .append(" but saw far less than scan ").append(data.path("baseline_scan_id").asString()).append(':');
                for (Map.Entry<String, JsonNode> tool : data.path("tools").properties()) {
                    text.append("\n• ").append(tool.getKey()).append(": ");
                    Iterator<JsonNode> reasons = tool.getValue().iterator();
                    while (reasons.hasNext()) {
                        text.append(reasons.next().asString()).append(reasons.hasNext() ? "; " : "");
                    }
                }
            }
            case "io.nubicustos.findings.new", "io.nubicustos.findings.reopened", "io.nubicustos.findings.fixed",
                 "io.nubicustos.findings.triaged" -> {
                String what = switch (type) {
                    case "io.nubicustos.findings.new" -> "new failing findings";
                    case "io.nubicustos.findings.reopened" -> "findings failing again after a fix";
                    case "io.nubicustos.findings.fixed" -> "findings fixed";
                    default -> "failing findings covered by triage rules";
                };
                text.append(what).append(" in scan ").append(scan).append(" (").append(profile).append("): ");
                counts(text, data.path("counts"));
            }
            case "io.nubicustos.campaign.completed", "io.nubicustos.campaign.degraded", "io.nubicustos.campaign.cancelled" -> {
                JsonNode accounts = data.path("accounts");
                text.append("campaign ").append(data.path("campaign_id").asString()).append(" (").append(profile).append(") ")
                        .append(data.path("status").asString()).append(": ").append(accounts.path("total").asInt()).append(" accounts, ")
                        .append(accounts.path("failed").asInt()).append(" failed, ").append(accounts.path("degraded").asInt())
                        .append(" degraded; ").append(data.path("findings").path("total").asInt()).append(" failing findings (");
                counts(text, data.path("findings"));
                text.append(')');
            }
            default -> {
                text.append("scan ").append(scan).append(" (").append(profile.isEmpty() ? "" : profile + ", ")
                        .append(data.path("status").asString()).append(')');
                if (data.has("findings")) {
                    text.append(": ").append(data.path("findings").path("total").asInt()).append(" failing findings (");
                    counts(text, data.path("findings"));
                    text.append(')');
                }
            }
        }
        return Map.of("text", text.toString());
    }

    private static void counts(StringBuilder text, JsonNode counts) {
        String[] severities = {"critical", "high", "medium", "low", "info"};
        for (int i = 0; i < severities.length; i++) {
            text.append(counts.path(severities[i]).asInt()).append(' ').append(severities[i]).append(i < severities.length - 1 ? ", " : "");
        }
    }
}
