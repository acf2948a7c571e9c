package io.nubicustos.testsupport;

import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * GitHub code scanning's rules for an uploaded SARIF file, written as checks because GitHub publishes no schema of its
 * own: "SARIF support for code scanning" (docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/
 * sarif-support-for-code-scanning), its tables of required properties and of upload limits. Use it beside the SARIF 2.1.0
 * schema ({@link SarifSchema}), which checks what the standard requires.
 */
public final class GitHubSarifRules {

    /** The upload limits GitHub states: runs per file, results per run, rules per run, tags per rule. */
    static final int MAX_RUNS = 20;
    static final int MAX_RESULTS_PER_RUN = 25_000;
    static final int MAX_RULES_PER_RUN = 25_000;
    static final int MAX_TAGS_PER_RULE = 20;

    private GitHubSarifRules() {
    }

    /** What GitHub would refuse or ignore in this document; empty when it is accepted as is. */
    public static List<String> violations(JsonNode sarif) {
        List<String> out = new ArrayList<>();
        if (!"2.1.0".equals(sarif.path("version").asString(""))) {
            out.add("version must be 2.1.0");
        }
        JsonNode runs = sarif.path("runs");
        if (runs.size() > MAX_RUNS) {
            out.add(runs.size() + " runs; at most " + MAX_RUNS);
        }
        Set<String> categories = new HashSet<>();
        for (int r = 0; r < runs.size(); r++) {
            JsonNode run = runs.get(r);
            String at = "runs/" + r;
            if (run.at("/tool/driver/name").asString("").isBlank()) {
                out.add(at + ": tool.driver.name is required");
            }
            // why: two runs of one tool and one category in one upload are no longer combined; they are refused
            String id = run.at("/automationDetails/id").asString("");
            String category = id.contains("/") ? id.substring(0, id.lastIndexOf('/')) : id;
            if (!categories.add(run.at("/tool/driver/name").asString("") + " " + category)) {
                out.add(at + ": a second run of one tool with the same automationDetails category");
            }
            Set<String> ruleIds = new HashSet<>();
            JsonNode rules = run.at("/tool/driver/rules");
            if (rules.size() > MAX_RULES_PER_RUN) {
                out.add(at + ": " + rules.size() + " rules; at most " + MAX_RULES_PER_RUN);
            }
            for (JsonNode rule : rules) {
                String ruleAt = at + " rule " + rule.path("id").asString("?");
                ruleIds.add(rule.path("id").asString(""));
                for (String required : List.of("/id", "/shortDescription/text", "/fullDescription/text", "/help/text")) {
                    if (rule.at(required).asString("").isBlank()) {
                        out.add(ruleAt + ": " + required.substring(1).replace('/', '.') + " is required");
                    }
                }
                JsonNode tags = rule.at("/properties/tags");
                if (tags.size() > MAX_TAGS_PER_RULE) {
                    out.add(ruleAt + ": more than " + MAX_TAGS_PER_RULE + " tags");
                }
                if (rule.at("/properties/security-severity").isString()) {
                    double severity = Double.parseDouble(rule.at("/properties/security-severity").asString());
                    if (severity < 0 || severity > 10) {
                        out.add(ruleAt + ": security-severity must be 0.0 to 10.0");
                    }
                    boolean security = false;
                    for (JsonNode tag : tags) {
                        security |= tag.asString("").equals("security");
                    }
                    if (!security) {
                        out.add(ruleAt + ": security-severity is ignored without the security tag");
                    }
                }
            }
            JsonNode results = run.path("results");
            if (results.size() > MAX_RESULTS_PER_RUN) {
                out.add(at + ": " + results.size() + " results; at most " + MAX_RESULTS_PER_RUN);
            }
            for (int i = 0; i < results.size(); i++) {
                JsonNode result = results.get(i);
                String resultAt = at + "/results/" + i;
                if (!ruleIds.contains(result.path("ruleId").asString(""))) {
                    out.add(resultAt + ": ruleId " + result.path("ruleId") + " is not a rule of its run");
                }
                if (result.at("/message/text").asString("").isBlank()) {
                    out.add(resultAt + ": message.text is required");
                }
                if (result.path("partialFingerprints").isEmpty()) {
                    out.add(resultAt + ": partialFingerprints are needed to track an alert across uploads");
                }
                JsonNode locations = result.path("locations");
                if (locations.isEmpty() || locations.size() > 1000) {
                    out.add(resultAt + ": 1 to 1000 locations are required");
                    continue;
                }
                JsonNode physical = locations.get(0).path("physicalLocation");
                String uri = physical.at("/artifactLocation/uri").asString("");
                if (uri.isBlank()) {
                    out.add(resultAt + ": locations[0].physicalLocation.artifactLocation.uri is required");
                } else {
                    try {
                        if (URI.create(uri).isAbsolute()) {
                            out.add(resultAt + ": the uri " + uri + " should be relative to the repository");
                        }
                    } catch (IllegalArgumentException e) {
                        out.add(resultAt + ": the uri " + uri + " is no URI");
                    }
                }
                if (physical.at("/region/startLine").asInt(0) < 1) {
                    out.add(resultAt + ": locations[0].physicalLocation.region.startLine (≥ 1) is required");
                }
            }
        }
        return out;
    }
}
