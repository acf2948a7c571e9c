package io.nubicustos.processor.report;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;

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

    /** Receives each object of a streamed array with where it starts in the file. */
    @FunctionalInterface
    public interface ObjectVisitor {
        void accept(JsonNode object, TokenStreamLocation at) throws ReportException;
    }

    /**
     * Streams {@code file}, which must be one JSON array of objects, handing each object to the visitor
     * as soon as it is read; only one object is in memory at a time. A file that is not such an array, is
     * cut short, or has content after the array fails with the file and position.
     *
     * @param what what the objects are, for messages ("OCSF findings")
     */
    public static void forEachObject(Path file, String what, ObjectVisitor visitor) throws ReportException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS); JsonParser parser = MAPPER.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new ReportException(file, position(parser.currentTokenLocation()), "expected a JSON array of " + what);
            }
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new ReportException(file, position(parser.currentLocation()), "the array ends before its closing ']' (truncated report)");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new ReportException(file, position(parser.currentTokenLocation()), "expected one of the " + what + ", found " + token);
                }
                TokenStreamLocation at = parser.currentTokenLocation();
                JsonNode element = BoundedTree.read(parser, file);
                try {
                    visitor.accept(element, at);
                } catch (RuntimeException e) {
                    throw unreadable(file, at, e);
                }
            }
            if (parser.nextToken() != null) {
                throw new ReportException(file, position(parser.currentTokenLocation()), "unexpected content after the closing ']'");
            }
        } catch (JacksonException e) {
            throw new ReportException(file, position(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }

    /**
     * An element whose values the parser could not make sense of (a number where a date belongs, a value
     * out of every range): the report is refused with where the element starts, not a crash.
     */
    public static ReportException unreadable(Path file, TokenStreamLocation at, RuntimeException e) {
        return unreadable(file, position(at), e);
    }

    /** As {@link #unreadable(Path, TokenStreamLocation, RuntimeException)}, for a position such as {@code line 12}. */
    public static ReportException unreadable(Path file, String position, RuntimeException e) {
        if (e instanceof FindingSink.StoreFailed storing) {
            // why: the sink failed, not the report; the caller must see that failure as it is
            throw storing;
        }
        return new ReportException(file, position, "cannot read this element: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    public static String position(TokenStreamLocation location) {
        if (location == null) {
            return null;
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr()
                + (location.getByteOffset() >= 0 ? " (byte " + location.getByteOffset() + ")" : "");
    }

    /** The first of {@code values} that has text; null when none has. */
    public static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
