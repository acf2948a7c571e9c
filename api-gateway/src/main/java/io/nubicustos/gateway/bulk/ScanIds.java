package io.nubicustos.gateway.bulk;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Printable;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The {@code scan_ids} of a bulk request: a non-empty array of at most 1000 scan ids. */
final class ScanIds {

    static final int MAX = 1000;

    private ScanIds() {
    }

    static List<UUID> from(JsonNode body, List<String> allowedFields) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object such as {\"scan_ids\": [\"...\"]}");
        }
        for (String name : body.propertyNames()) {
            if (!allowedFields.contains(name)) {
                throw ApiException.badRequest(Printable.of(name, 64), "unknown field '" + Printable.of(name, 64) + "'; allowed fields: "
                        + String.join(", ", allowedFields));
            }
        }
        JsonNode ids = body.get("scan_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiException.badRequest("scan_ids", "scan_ids must be a non-empty array of scan ids");
        }
        if (ids.size() > MAX) {
            throw ApiException.badRequest("scan_ids", "at most " + MAX + " scan ids per request");
        }
        Set<UUID> result = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            try {
                result.add(UUID.fromString(id.isString() ? id.asString() : "not a string"));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("scan_ids", "'" + Printable.of(id.toString(), 64) + "' is not a scan id");
            }
        }
        return new ArrayList<>(result);
    }
}
