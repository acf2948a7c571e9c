package io.nubicustos.gateway.campaign;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Printable;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which accounts a campaign scans: {@code "all"} (every account AWS Organizations does not say is suspended or closed), a
 * list of ids, or {@code {"tags": {...}}} (the accounts carrying every pair). Its {@link #key()} names the selection
 * whatever order it was written in: the previous campaign of the same profile and selection is the one compared with.
 */
record CampaignSelection(boolean all, List<String> ids, Map<String, String> tags) {

    static final int MAX_ACCOUNTS = 5000;
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    static CampaignSelection parse(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("accounts", "accounts is required: \"all\", a list of account ids, or {\"tags\": {\"env\": \"prod\"}}");
        }
        if (node.isString()) {
            if (!"all".equals(node.asString())) {
                throw ApiException.badRequest("accounts", "accounts is \"all\", a list of account ids, or {\"tags\": {...}} (got \""
                        + Printable.of(node.asString(), 40) + "\")");
            }
            return new CampaignSelection(true, List.of(), Map.of());
        }
        if (node.isArray()) {
            if (node.isEmpty() || node.size() > MAX_ACCOUNTS) {
                throw ApiException.badRequest("accounts", "accounts lists 1 to " + MAX_ACCOUNTS + " account ids");
            }
            TreeSet<String> ids = new TreeSet<>();
            for (JsonNode item : node) {
                if (!item.isString() || !ACCOUNT_ID.matcher(item.asString()).matches()) {
                    throw ApiException.unprocessable("invalid_account_id", "accounts", "accounts are AWS account ids of 12 digits (got "
                            + Printable.of(item.toString(), 40) + ")");
                }
                ids.add(item.asString());
            }
            return new CampaignSelection(false, List.copyOf(ids), Map.of());
        }
        if (node.isObject() && node.size() == 1 && node.has("tags") && node.get("tags").isObject() && !node.get("tags").isEmpty()) {
            TreeMap<String, String> tags = new TreeMap<>();
            for (Map.Entry<String, JsonNode> tag : node.get("tags").properties()) {
                if (!tag.getValue().isString() || tag.getKey().isEmpty() || tag.getKey().length() > 128 || tag.getValue().asString().length() > 256
                        || (tag.getKey() + tag.getValue().asString()).chars().anyMatch(Character::isISOControl)) {
                    throw ApiException.badRequest("accounts.tags", "accounts.tags maps tag keys (1-128 characters) to string values (at most"
                            + " 256), without control characters");
                }
                tags.put(tag.getKey(), tag.getValue().asString());
            }
            return new CampaignSelection(false, List.of(), Map.copyOf(tags));
        }
        throw ApiException.badRequest("accounts", "accounts is \"all\", a list of account ids, or {\"tags\": {\"env\": \"prod\"}}");
    }

    /** The selection as stored and shown: "all", the ids, or {"tags": {...}}. */
    Object view() {
        return all ? "all" : !ids.isEmpty() ? ids : Map.of("tags", new TreeMap<>(tags));
    }

    /** The same text for the same selection, however it was written. */
    String key() {
        return all ? "all" : !ids.isEmpty() ? "ids:" + String.join(",", ids) : "tags:" + new TreeMap<>(tags);
    }
}
