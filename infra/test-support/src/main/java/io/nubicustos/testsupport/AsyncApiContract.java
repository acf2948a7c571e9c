package io.nubicustos.testsupport;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AsyncAPI 3 document of the Kafka topics (docs/api/asyncapi.json): valid by the AsyncAPI 3.0.0 JSON schema (the npm
 * registry's {@code @asyncapi/specs}, fetched as the SARIF schema is), and true of what is produced: a record on a
 * channel's address must match one of the channel's messages (a CloudEvent the message whose {@code type} it names).
 */
public final class AsyncApiContract {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry DRAFT_7 = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

    private final JsonNode document;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private AsyncApiContract(JsonNode document) {
        this.document = document;
    }

    public static AsyncApiContract load(Path file) {
        try {
            return new AsyncApiContract(JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The AsyncAPI 3.0.0 schema, from {@code @asyncapi/specs} (its bundle whose references are all local). */
    public static Path schema() {
        return NpmFiles.fetch("@asyncapi/specs@6.11.1", "schemas/3.0.0-without-$id.json", "asyncapi-3.0.0.json");
    }

    /** What the AsyncAPI 3.0.0 schema finds wrong with a document. */
    public static List<String> documentViolations(JsonNode document) {
        try {
            Schema schema = DRAFT_7.getSchema(Files.newInputStream(schema()), InputFormat.JSON);
            return schema.validate(document).stream().map(Object::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** The addresses of the document's channels. */
    public List<String> addresses() {
        List<String> addresses = new ArrayList<>();
        document.path("channels").forEach(channel -> addresses.add(channel.path("address").asString()));
        return addresses;
    }

    /** What is wrong with one record's value produced on {@code topic}: nothing when it matches a message of the channel. */
    public List<String> violations(String topic, String value) {
        JsonNode channel = null;
        for (JsonNode candidate : document.path("channels")) {
            if (topic.equals(candidate.path("address").asString())) {
                channel = candidate;
            }
        }
        if (channel == null) {
            return List.of(topic + ": no channel of the document has this address");
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(value);
        } catch (RuntimeException e) {
            return List.of(topic + ": the value is not JSON");
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode reference : channel.path("messages")) {
            String messageName = reference.path("$ref").asString().replace("#/components/messages/", "");
            JsonNode payload = payloadSchema(messageName);
            String type = payload.at("/properties/type/const").asString(null);
            if (type != null && !type.equals(parsed.path("type").asString())) {
                continue;
            }
            List<String> errors = compiled.computeIfAbsent(messageName, name -> compile(payload)).validate(parsed).stream()
                    .map(error -> topic + " " + messageName + ": " + error).toList();
            if (errors.isEmpty()) {
                return List.of();
            }
            problems.addAll(errors);
        }
        return problems.isEmpty() ? List.of(topic + ": no message of the channel is of type " + parsed.path("type")) : problems;
    }

    private JsonNode payloadSchema(String messageName) {
        JsonNode payload = document.path("components").path("messages").path(messageName).path("payload");
        if (payload.has("$ref")) {
            return document.at(payload.get("$ref").asString().substring(1));
        }
        return payload;
    }

    /** A message's payload schema, with the document's components beside it so that its {@code $ref}s resolve. */
    private Schema compile(JsonNode payload) {
        return ComponentSchemas.compile(DRAFT_7, "http://json-schema.org/draft-07/schema#", document, payload);
    }
}
