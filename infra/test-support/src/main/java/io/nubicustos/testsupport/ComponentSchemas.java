package io.nubicustos.testsupport;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.UUID;

/**
 * One schema of an API document (OpenAPI, AsyncAPI) compiled on its own, with the document's {@code components} beside it
 * so that its {@code #/components/...} references resolve.
 */
final class ComponentSchemas {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ComponentSchemas() {
    }

    static Schema compile(SchemaRegistry registry, String dialect, JsonNode document, JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", dialect);
        // why: a schema without an id is cached by the registry under a default one, and answered for the next
        root.put("$id", "urn:nubicustos:contract:" + UUID.randomUUID());
        root.set("components", document.path("components"));
        root.putArray("allOf").add(schema);
        return registry.getSchema(JSON.writeValueAsString(root), InputFormat.JSON);
    }
}
