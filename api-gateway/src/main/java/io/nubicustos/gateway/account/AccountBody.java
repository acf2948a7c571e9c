package io.nubicustos.gateway.account;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Printable;
import tools.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads an account from a request body, refusing precisely what AWS or a credentials file could not carry: values end up in
 * an AWS config file the worker writes, so nothing may break a line or start a section.
 */
final class AccountBody {

    static final List<String> FIELDS = List.of("account_id", "name", "email", "profile", "role_arn", "role_name", "external_id",
            "source_profile", "session_duration", "regions", "tags");
    static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}");
    // IAM: a role's path and name are [\w+=,.@-]; the path is slashes around segments (docs.aws.amazon.com IAM identifiers)
    static final Pattern ROLE_NAME = Pattern.compile("(?:[\\w+=,.@-]+/){0,10}[\\w+=,.@-]{1,64}");
    static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role/((?:[\\w+=,.@-]+/){0,10}[\\w+=,.@-]{1,64})");
    // STS AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-]
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{N} _.:/=+@-]{1,128}");
    static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{N} _.:/=+@-]{0,256}");
    private static final int MAX_TAGS = 50;
    private static final int MAX_REGIONS = 40;

    private AccountBody() {
    }

    /** The account the body describes; {@code pathId} (PUT) must agree with the body's id when it has one. */
    static Account parse(JsonNode body, String pathId, OffsetDateTime now) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object such as {\"account_id\": \"123456789012\", "
                    + "\"profile\": \"prod\"}");
        }
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest(Printable.of(name, 64), "unknown field '" + Printable.of(name, 64) + "'; allowed fields: "
                        + String.join(", ", FIELDS));
            }
        }
        String id = text(body, "account_id");
        if (id == null) {
            id = pathId;
        }
        if (id == null) {
            throw ApiException.badRequest("account_id", "account_id is required: the account's 12 digits");
        }
        requireAccountId(id, "account_id");
        if (pathId != null && !pathId.equals(id)) {
            throw ApiException.unprocessable("account_id_mismatch", "account_id", "the body's account_id " + id + " is not the path's " + pathId);
        }
        String profile = text(body, "profile");
        String roleArn = text(body, "role_arn");
        String roleName = text(body, "role_name");
        String sourceProfile = text(body, "source_profile");
        String externalId = text(body, "external_id");
        Integer duration = sessionDuration(body.get("session_duration"));
        if (roleArn != null && roleName != null) {
            throw ApiException.unprocessable("ambiguous_role", "role_name", "give role_arn or role_name (applied to the account id), not both");
        }
        if (roleName != null) {
            if (!ROLE_NAME.matcher(roleName).matches()) {
                throw ApiException.unprocessable("invalid_role", "role_name", "role_name is an IAM role's [path/]name of [A-Za-z0-9_+=,.@-] (got '"
                        + Printable.of(roleName, 64) + "')");
            }
            roleArn = "arn:aws:iam::" + id + ":role/" + roleName;
        } else if (roleArn != null) {
            var arn = ROLE_ARN.matcher(roleArn);
            if (!arn.matches()) {
                throw ApiException.unprocessable("invalid_role", "role_arn", "role_arn must be an IAM role's ARN, arn:aws:iam::<12 digits>:role/<name>"
                        + " (got '" + Printable.of(roleArn, 80) + "')");
            }
            if (!arn.group(2).equals(id)) {
                throw ApiException.unprocessable("invalid_role", "role_arn", "role_arn names account " + arn.group(2) + ", not " + id);
            }
        }
        boolean byRole = roleArn != null;
        if (byRole == (profile != null)) {
            throw ApiException.unprocessable("reach_required", "profile", "say how the account is reached: a profile of the credentials file"
                    + " (profile), or a role assumed from the security account (role_arn or role_name, with source_profile) — one of the two");
        }
        if (byRole && sourceProfile == null) {
            throw ApiException.unprocessable("reach_required", "source_profile", "a role is assumed from a profile of the security account:"
                    + " source_profile is required with role_arn or role_name");
        }
        if (!byRole && (sourceProfile != null || externalId != null || duration != null)) {
            throw ApiException.unprocessable("reach_conflict", sourceProfile != null ? "source_profile" : externalId != null ? "external_id"
                    : "session_duration", "source_profile, external_id and session_duration belong to a role-reached account");
        }
        for (Map.Entry<String, String> named : Map.of("profile", profile == null ? "" : profile, "source_profile",
                sourceProfile == null ? "" : sourceProfile).entrySet()) {
            if (!named.getValue().isEmpty() && !PROFILE.matcher(named.getValue()).matches()) {
                throw ApiException.unprocessable("invalid_aws_profile", named.getKey(), named.getKey() + " must be 1-128 letters, digits or _.@+-"
                        + " (got '" + Printable.of(named.getValue(), 64) + "')");
            }
            if (named.getValue().startsWith("nubicustos-account-")) {
                throw ApiException.unprocessable("invalid_aws_profile", named.getKey(), "profiles named nubicustos-account-* are the ones"
                        + " the workers stage for role-reached accounts");
            }
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            throw ApiException.unprocessable("invalid_external_id", "external_id", "external_id is 2-1224 characters of A-Za-z0-9_+=,.@:/-");
        }
        String name = text(body, "name");
        String email = text(body, "email");
        for (Map.Entry<String, String> plain : Map.of("name", name == null ? "" : name, "email", email == null ? "" : email).entrySet()) {
            if (plain.getValue().length() > 256 || plain.getValue().chars().anyMatch(Character::isISOControl)) {
                throw ApiException.badRequest(plain.getKey(), plain.getKey() + " is at most 256 characters, without control characters");
            }
        }
        return new Account(id, name, email, byRole ? null : profile, roleArn, externalId, byRole ? sourceProfile : null, duration,
                regions(body.get("regions")), tags(body.get("tags")), null, now, now);
    }

    /** An account id in a path: a malformed one is a 400, as a malformed UUID is. */
    static void requirePathId(String id) {
        if (!ACCOUNT_ID.matcher(id).matches()) {
            throw ApiException.badRequest("id", "an account id is 12 digits (got '" + Printable.of(id, 40) + "')");
        }
    }

    static void requireAccountId(String id, String field) {
        if (!ACCOUNT_ID.matcher(id).matches()) {
            throw ApiException.unprocessable("invalid_account_id", field, field + " is an AWS account's 12 digits (got '" + Printable.of(id, 40) + "')");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        String value = node.asString();
        return value.isEmpty() ? null : value;
    }

    private static Integer sessionDuration(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        // STS AssumeRole DurationSeconds: 900 to 43200 (and at most the role's own maximum)
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 900 || node.asInt() > 43200) {
            throw ApiException.badRequest("session_duration", "session_duration is whole seconds from 900 to 43200");
        }
        return node.asInt();
    }

    static List<String> regions(JsonNode node) {
        List<String> regions = new ArrayList<>();
        if (node == null || node.isNull()) {
            return regions;
        }
        if (!node.isArray() || node.size() > MAX_REGIONS) {
            throw ApiException.badRequest("regions", "regions must be an array of at most " + MAX_REGIONS + " region names");
        }
        for (JsonNode item : node) {
            if (!item.isString() || !REGION.matcher(item.asString()).matches()) {
                throw ApiException.unprocessable("invalid_region", "regions", "regions are names such as eu-west-1 (got "
                        + Printable.of(item.toString(), 40) + ")");
            }
            if (!regions.contains(item.asString())) {
                regions.add(item.asString());
            }
        }
        return regions;
    }

    static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return tags;
        }
        if (!node.isObject() || node.size() > MAX_TAGS) {
            throw ApiException.badRequest("tags", "tags must be an object of at most " + MAX_TAGS + " key/value strings");
        }
        for (Map.Entry<String, JsonNode> tag : node.properties()) {
            if (!TAG_KEY.matcher(tag.getKey()).matches() || !tag.getValue().isString() || !TAG_VALUE.matcher(tag.getValue().asString()).matches()) {
                throw ApiException.unprocessable("invalid_tag", "tags." + Printable.of(tag.getKey(), 64), "tags are keys of 1-128 and values of"
                        + " 0-256 letters, digits, spaces and _.:/=+@- (AWS's tag characters)");
            }
            tags.put(tag.getKey(), tag.getValue().asString());
        }
        return tags;
    }
}
