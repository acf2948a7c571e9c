package io.nubicustos.gateway.web.validation;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON field names of a request record, as the API's snake_case mapper writes and reads them: a PATCH body that
 * stays a {@code JsonNode} (absent and null mean different things there) still takes its field names from the record
 * its POST binds to, so the two cannot drift apart.
 */
public final class RecordFields {

    private RecordFields() {
    }

    public static List<String> of(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).map(RecordFields::snake).toList();
    }

    /** {@code eventTypes} → {@code event_types}. */
    public static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
