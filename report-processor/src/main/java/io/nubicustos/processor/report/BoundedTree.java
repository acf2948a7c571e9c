package io.nubicustos.processor.report;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads one element of a streamed report (an object or array) into a tree, with its size checked
 * while it is read, token by token: an element of more than {@link #MAX_TOKENS} tokens or
 * {@link #MAX_BYTES} bytes is refused before it can exhaust the heap, whatever the shape that makes
 * it large (one huge array, millions of tiny fields). Real elements are a few kilobytes.
 */
public final class BoundedTree {

    public static final int MAX_TOKENS = 1_000_000;
    public static final long MAX_BYTES = 16L * 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BoundedTree() {
    }

    /** Reads the value at the parser's current token, leaving the parser on its last token. */
    public static JsonNode read(JsonParser parser, Path file) throws ReportException {
        TokenStreamLocation start = parser.currentTokenLocation();
        JsonToken first = parser.currentToken();
        if (first == null || first == JsonToken.PROPERTY_NAME || first.isStructEnd()) {
            throw new ReportException(file, JsonReports.position(start), "expected a value, found " + first);
        }
        if (first.isScalarValue()) {
            return scalar(parser, first);
        }
        try {
            Deque<ContainerNode<?>> open = new ArrayDeque<>();
            ContainerNode<?> root = first == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
            open.push(root);
            String name = null;
            long tokens = 1;
            while (!open.isEmpty()) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw new ReportException(file, JsonReports.position(parser.currentLocation()), "the element that starts at "
                            + JsonReports.position(start) + " ends before it is closed (truncated report)");
                }
                if (++tokens > MAX_TOKENS || size(parser, start) > MAX_BYTES) {
                    throw new ReportException(file, JsonReports.position(start), "an element larger than " + MAX_TOKENS
                            + " tokens or " + (MAX_BYTES / (1024 * 1024)) + " MB; no real report has one");
                }
                switch (token) {
                    case PROPERTY_NAME -> name = parser.currentName();
                    case START_OBJECT, START_ARRAY -> {
                        ContainerNode<?> child = token == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
                        add(open.peek(), name, child);
                        open.push(child);
                    }
                    case END_OBJECT, END_ARRAY -> open.pop();
                    default -> add(open.peek(), name, scalar(parser, token));
                }
            }
            return root;
        } catch (JacksonException e) {
            throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
        }
    }

    private static long size(JsonParser parser, TokenStreamLocation start) {
        TokenStreamLocation now = parser.currentLocation();
        if (start.getByteOffset() >= 0 && now.getByteOffset() >= 0) {
            return now.getByteOffset() - start.getByteOffset();
        }
        return now.getCharOffset() - start.getCharOffset();
    }

    private static void add(ContainerNode<?> parent, String name, JsonNode value) {
        if (parent instanceof ObjectNode object) {
            object.set(name, value);
        } else {
            ((ArrayNode) parent).add(value);
        }
    }

    private static JsonNode scalar(JsonParser parser, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            default -> NODES.nullNode();
        };
    }
}
