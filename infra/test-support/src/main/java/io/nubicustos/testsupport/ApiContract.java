package io.nubicustos.testsupport;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI 3.1 document, as the running system serves it at {@code /v3/api-docs}, and a check of
 * real responses against it: the route and its status code must be in the document, and a JSON body must
 * match the response's schema (JSON Schema 2020-12, which OpenAPI 3.1 uses). Tests call
 * {@link #violations} on every response they receive, so the contract is held to what the system answers.
 */
public final class ApiContract {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    private ApiContract(JsonNode document) {
        this.document = document;
    }

    public static ApiContract of(String document) {
        return new ApiContract(JSON.readTree(document));
    }

    /** Fetches the document from a running API on loopback. */
    public static ApiContract fetch(int port, Map<String, String> headers) {
        RawHttp.Response response = RawHttp.get(port, "/v3/api-docs", headers);
        if (response.status() != 200) {
            throw new IllegalStateException("GET /v3/api-docs answered " + response.status() + ": " + response.body());
        }
        return of(response.body());
    }

    public JsonNode document() {
        return document;
    }

    /**
     * What is wrong with one response, by the document: nothing when the operation lists its status and
     * the body matches the schema given for it.
     */
    public List<String> violations(String method, String path, int status, String body) {
        return violations(method, path, status, "application/json", body);
    }

    /**
     * What is wrong with one response, by the document: nothing when the operation lists its status and
     * content type, and a JSON body matches the schema given for it.
     */
    public List<String> violations(String method, String path, int status, String contentType, String body) {
        String route = route(path);
        String where = method + " " + path + " -> " + status;
        if (route == null) {
            return List.of(where + ": no path of the document matches");
        }
        JsonNode operation = document.path("paths").path(route).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of(where + ": " + route + " has no " + method);
        }
        JsonNode response = operation.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) {
            response = operation.path("responses").path("default");
        }
        if (response.isMissingNode()) {
            return List.of(where + ": status " + status + " is not in the document for " + method + " " + route);
        }
        JsonNode content = response.path("content");
        if (!content.isObject() || content.isEmpty()) {
            return body == null || body.isEmpty() ? List.of() : List.of(where + ": a body where the document gives none");
        }
        if (body == null || body.isEmpty()) {
            return List.of(where + ": no body where the document gives " + content.propertyNames());
        }
        String type = contentType == null ? "application/json" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode media = content.has(type) ? content.get(type) : content.path("*/*");
        if (media.isMissingNode()) {
            return List.of(where + ": content type " + type + " is not in the document (it lists " + content.propertyNames() + ")");
        }
        if (!media.has("schema") || !(type.equals("application/json") || type.endsWith("+json"))) {
            return List.of();
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(body);
        } catch (RuntimeException e) {
            return List.of(where + ": the body is not JSON though the document gives a JSON schema");
        }
        Schema schema = compiled.computeIfAbsent(route + " " + method + " " + status + " " + type, key -> compile(media.get("schema")));
        List<String> problems = new ArrayList<>();
        schema.validate(parsed).forEach(error -> problems.add(where + ": " + error));
        return problems;
    }

    /**
     * How an example body (a specification's, say) differs from a schema of the document, field by field: a
     * field the schema does not have, or a value its property's schema refuses. Fields the schema has beyond
     * the example's are not differences (the API may answer more than an example shows).
     */
    public List<String> fieldDifferences(String schemaName, String example) {
        JsonNode schema = document.path("components").path("schemas").path(schemaName);
        if (schema.isMissingNode()) {
            return List.of("the document has no schema " + schemaName);
        }
        List<String> differences = new ArrayList<>();
        JsonNode body = JSON.readTree(example);
        for (String field : body.propertyNames()) {
            JsonNode property = schema.path("properties").path(field);
            if (property.isMissingNode()) {
                differences.add(schemaName + " has no field '" + field + "'");
                continue;
            }
            compile(property).validate(body.get(field)).forEach(error -> differences.add(schemaName + "." + field + ": " + error));
        }
        return differences;
    }

    /** The response schema, with the document's components beside it so that its {@code $ref}s resolve. */
    private Schema compile(JsonNode responseSchema) {
        return ComponentSchemas.compile(SCHEMAS, "https://json-schema.org/draft/2020-12/schema", document, responseSchema);
    }

    /** The document's path that matches a concrete one; a literal segment beats a template ({@code /bulk} over {@code /{id}}). */
    private String route(String path) {
        String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> names = document.path("paths").propertyNames().iterator(); names.hasNext(); ) {
            String template = names.next();
            if (Pattern.matches(template.replaceAll("\\{[^/]+}", "[^/]+").replace(".", "\\."), plain)) {
                int literals = template.split("/").length - template.split("\\{").length + 1;
                if (literals > bestLiterals) {
                    best = template;
                    bestLiterals = literals;
                }
            }
        }
        return best;
    }
}
