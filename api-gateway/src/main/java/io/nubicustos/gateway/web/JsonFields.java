package io.nubicustos.gateway.web;

import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * The checks every hand-read JSON body shares (schedules, triage rules): an object with known fields only,
 * and text fields of bounded size without bytes PostgreSQL refuses (NUL) or control characters other than
 * line breaks and tabs. Each refusal is a 400 naming the field.
 */
public final class JsonFields {

    private JsonFields() {
    }

    /** The body is a JSON object whose fields are all in {@code allowed}; {@code what} names the thing it describes. */
    public static void requireObject(JsonNode body, List<String> allowed, String what) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "the body must be a JSON object");
        }
        for (String field : body.propertyNames()) {
            if (!allowed.contains(field)) {
                String printable = Printable.of(field, 80);
                throw ApiException.badRequest(printable, "unknown field '" + printable + "'; " + what + " has " + String.join(", ", allowed));
            }
        }
    }

    /** The field's text, or null when it is absent or null. */
    public static String optionalText(JsonNode body, String field, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.badRequest(field, field + " must be a string");
        }
        String text = value.asString();
        if (text.length() > max) {
            throw ApiException.badRequest(field, field + " is longer than " + max + " characters");
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw ApiException.badRequest(field, field + " contains a control character");
        }
        return text;
    }

    /** The field's boolean, or {@code otherwise} when it is absent or null. */
    public static boolean optionalBoolean(JsonNode body, String field, boolean otherwise) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(field, field + " must be true or false");
        }
        return value.asBoolean();
    }
}
