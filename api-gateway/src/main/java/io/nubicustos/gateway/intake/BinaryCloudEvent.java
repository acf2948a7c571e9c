package io.nubicustos.gateway.intake;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A CloudEvent in the Kafka binding's binary mode: its attributes are {@code ce_*} headers (UTF-8), the
 * record's value is the event's data, and {@code content-type} says what the data is. Only JSON data is
 * accepted, since the data is the REST request body.
 *
 * @see <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">Kafka protocol binding</a>
 */
record BinaryCloudEvent(String id, String source, String type) {

    static final String SPEC_VERSION = "ce_specversion";

    /** The event the headers carry, or null when the record is not a binary-mode event (no {@code ce_specversion}). */
    static BinaryCloudEvent of(Headers headers) {
        Header version = headers.lastHeader(SPEC_VERSION);
        if (version == null) {
            return null;
        }
        String specVersion = text(version);
        if (!"1.0".equals(specVersion)) {
            throw new InvalidScanRequest("CloudEvent specversion " + RequestIds.printable(specVersion) + " is not 1.0");
        }
        Header contentType = headers.lastHeader("content-type");
        if (contentType != null) {
            String value = text(contentType);
            if (value == null) {
                throw new InvalidScanRequest("the content-type header has no value");
            }
            String media = value.toLowerCase(Locale.ROOT);
            if (media.startsWith("application/cloudevents")) {
                throw new InvalidScanRequest("a record with ce_* headers is a binary-mode event; its content-type cannot be "
                        + RequestIds.printable(media) + " (a structured-mode event carries no ce_* headers)");
            }
            if (!(media.startsWith("application/json") || media.matches("application/[^;]*\\+json.*"))) {
                throw new InvalidScanRequest("the CloudEvent's data must be JSON (the REST request body); its content-type is "
                        + RequestIds.printable(media));
            }
        }
        return new BinaryCloudEvent(required(headers, "id"), required(headers, "source"), required(headers, "type"));
    }

    private static String required(Headers headers, String attribute) {
        Header header = headers.lastHeader("ce_" + attribute);
        String value = header == null ? null : text(header);
        if (value == null || value.isBlank()) {
            throw new InvalidScanRequest("CloudEvent attribute '" + attribute + "' is required (header ce_" + attribute + ")");
        }
        return value;
    }

    private static String text(Header header) {
        if (header.value() == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header.value())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidScanRequest("header " + RequestIds.printable(header.key()) + " is not UTF-8 text");
        }
    }
}
