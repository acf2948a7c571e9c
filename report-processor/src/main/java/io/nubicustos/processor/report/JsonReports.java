package io.nubicustos.processor.report;

import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the JSON parsers share: one mapper with limits that a hostile report cannot get past (nesting
 * depth, string and number length, document length), and small readers of optional fields.
 */
public final class JsonReports {

    /** Deeper than any real report; deeper nesting is an attack on the stack, not a report. */
    public static final int MAX_NESTING = 200;
    /** Longer than any real field; a longer string is an attack on the heap. */
    public static final int MAX_STRING = 8 * 1024 * 1024;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxStringLength(MAX_STRING)
                            .maxNumberLength(100)
                            .maxNameLength(64 * 1024)
                            .build())
                    .build())
            .build();

    private JsonReports() {
    }

    /** The field's text, or null when it is absent, null, not a scalar, or blank. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            return null;
        }
        String text = value.asString();
        return text.isBlank() ? null : text;
    }

    public static String position(TokenStreamLocation location) {
        if (location == null) {
            return null;
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr()
                + (location.getByteOffset() >= 0 ? " (byte " + location.getByteOffset() + ")" : "");
    }
}
