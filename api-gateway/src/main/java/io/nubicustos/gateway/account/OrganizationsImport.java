package io.nubicustos.gateway.account;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Printable;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what {@code aws organizations list-accounts} prints: {@code {"Accounts": [{"Id", "Arn", "Email", "Name", "Status",
 * "State", "JoinedMethod", "JoinedTimestamp"}], "NextToken"?}} (the Organizations API's {@code Account} shape; {@code State}
 * — PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED — supersedes the older {@code Status} — ACTIVE, SUSPENDED,
 * PENDING_CLOSURE — and either is read). Only active accounts are imported; the others are skipped, each with its reason.
 */
final class OrganizationsImport {

    static final int MAX_ACCOUNTS = 10_000;

    /**
     * How the imported accounts are reached: the role every member account has (Organizations creates
     * {@code OrganizationAccountAccessRole} in the accounts it creates), assumed from {@code sourceProfile}.
     */
    record Reach(String partition, String roleName, String sourceProfile, String externalId, Integer sessionDuration) {
    }

    /** An account left out, and why. */
    record Skipped(@com.fasterxml.jackson.annotation.JsonProperty("account_id") String accountId, String name, String reason) {
    }

    /** The accounts to import ({@code account_id}, {@code name}, {@code email}, {@code org_status}) and the ones skipped. */
    record Read(List<Map<String, String>> accounts, List<Skipped> skipped, Map<String, String> otherStates) {
    }

    private OrganizationsImport() {
    }

    static Read read(JsonNode body) {
        if (body == null || !body.isObject() || !body.has("Accounts")) {
            throw ApiException.badRequest("Accounts", "the body is what `aws organizations list-accounts` prints: {\"Accounts\": [...]}");
        }
        JsonNode list = body.get("Accounts");
        if (!list.isArray()) {
            throw ApiException.badRequest("Accounts", "Accounts must be an array of accounts");
        }
        if (list.size() > MAX_ACCOUNTS) {
            throw ApiException.badRequest("Accounts", "at most " + MAX_ACCOUNTS + " accounts per import");
        }
        List<Map<String, String>> accounts = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Map<String, String> otherStates = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode account : list) {
            String field = "Accounts[" + index++ + "]";
            if (!account.isObject()) {
                throw ApiException.badRequest(field, field + " must be an object with Id, Name, Email and State (or Status)");
            }
            String id = account.path("Id").asString("");
            AccountBody.requireAccountId(id, field + ".Id");
            String name = plain(account, "Name", field);
            String email = plain(account, "Email", field);
            String state = account.hasNonNull("State") ? account.path("State").asString("") : account.path("Status").asString("");
            if (state.isEmpty()) {
                throw ApiException.badRequest(field + ".State", field + " has neither State nor Status");
            }
            if (!seen.add(id)) {
                skipped.add(new Skipped(id, name, "listed twice; the first entry was taken"));
                continue;
            }
            if (!"ACTIVE".equals(state)) {
                otherStates.put(id, Printable.of(state, 40));
                skipped.add(new Skipped(id, name, "the organization says it is " + Printable.of(state, 40)
                        + "; only ACTIVE accounts can be scanned"));
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            row.put("account_id", id);
            row.put("name", name);
            row.put("email", email);
            row.put("org_status", state);
            accounts.add(row);
        }
        return new Read(accounts, skipped, otherStates);
    }

    private static String plain(JsonNode account, String key, String field) {
        String value = account.path(key).asString(null);
        if (value != null && (value.length() > 256 || value.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest(field + "." + key, field + "." + key + " is at most 256 characters, without control characters");
        }
        return value;
    }
}
