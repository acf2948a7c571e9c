package io.nubicustos.gateway.web;

import org.springdoc.core.customizers.OperationCustomizer;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs} (and Swagger UI at {@code /swagger-ui/index.html}), generated
 * from the controllers and their typed records, with what generation cannot see added here in one place:
 * <ul>
 *   <li>the error shape ({@link Problem}, as application/problem+json) on every status an operation can answer with it: 400 for a malformed
 *   parameter or body, 404 for an id or name that does not exist, 413 / 415 / 422 for request bodies, and 401,
 *   429, 503 and 500 everywhere (a key that is missing or over its rate, a database that is away, a bug);</li>
 *   <li>the {@code X-API-Key} header as the security scheme;</li>
 *   <li>the records' names, nullability and required properties ({@link ContractModelResolver}).</li>
 * </ul>
 */
@Configuration
class ApiContractConfiguration {

    private static final String ERROR_SCHEMA = "Problem";

    @Bean
    OpenAPI nubicustosOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Nubicustos API").version("1")
                        .description("Runs cloud security scanners as containers and answers their normalized findings."))
                // why: relative to where the document was read, so the document is the same byte for byte on every host and port
                .servers(List.of(new io.swagger.v3.oas.models.servers.Server().url("/")))
                .components(new Components().addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                        .in(SecurityScheme.In.HEADER).name("X-API-Key")
                        .description("needed on every route when the installation configures keys (API_KEY or NUBICUSTOS_API_KEYS)")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /**
     * Every operation gets a stable {@code operationId} and one tag, so generated clients get {@code scanStatus}, not
     * {@code status_1}: the tag is the controller's feature package ({@code scan}, {@code webhook}, …), the id that
     * feature followed by the handler method's name. An {@code @Operation(operationId = …)} of a handler wins.
     */
    @Bean
    OperationCustomizer operationNames() {
        return (operation, handler) -> {
            String feature = handler.getBeanType().getPackageName().substring(handler.getBeanType().getPackageName().lastIndexOf('.') + 1);
            operation.setTags(List.of(feature));
            io.swagger.v3.oas.annotations.Operation declared = handler.getMethodAnnotation(io.swagger.v3.oas.annotations.Operation.class);
            if (declared == null || declared.operationId().isEmpty()) {
                String method = handler.getMethod().getName();
                operation.setOperationId(feature + Character.toUpperCase(method.charAt(0)) + method.substring(1));
            }
            return operation;
        };
    }

    /** Snake-case names, nullability and required properties as the API's records say (see {@link ContractModelResolver}). */
    @Bean
    ModelResolver contractModels() {
        return new ContractModelResolver();
    }

    @Bean
    OpenApiCustomizer errorResponses() {
        return openApi -> {
            if (openApi.getComponents().getSchemas() == null || !openApi.getComponents().getSchemas().containsKey(ERROR_SCHEMA)) {
                ModelConverters.getInstance(true).read(Problem.class).forEach(openApi.getComponents()::addSchemas);
            }
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    addErrors(path, method, operation)));
        };
    }

    private static void addErrors(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses();
        Map<String, String> errors = new LinkedHashMap<>();
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        boolean hasBody = operation.getRequestBody() != null;
        if (hasBody || !parameters.isEmpty()) {
            errors.put("400", "a malformed parameter or body; `field` names it");
        }
        errors.put("401", "no valid X-API-Key (when keys are configured)");
        if (path.contains("{")) {
            errors.put("404", "no such scan, step or archive");
        }
        if (method == PathItem.HttpMethod.POST && path.endsWith("/cancel") || method == PathItem.HttpMethod.DELETE && path.equals("/api/scans/{id}")) {
            errors.put("409", path.startsWith("/api/campaigns") ? "the campaign already settled; there is nothing to cancel"
                    : "the scan already settled; there is nothing to cancel");
        }
        if (method == PathItem.HttpMethod.POST && path.equals("/api/accounts") || method == PathItem.HttpMethod.PUT && path.equals("/api/accounts/{id}")) {
            errors.put("409", "the account exists (POST), or another account is reached through the same profile");
        }
        if (method == PathItem.HttpMethod.POST && path.equals("/api/campaigns")) {
            errors.put("409", "the caller's quota of queued and running scans has no room for the campaign's scans");
        }
        if (method == PathItem.HttpMethod.POST && path.endsWith("/degradation/accept")) {
            errors.put("409", "the scan is not degraded, or its degradation was accepted already");
        }
        if (hasBody) {
            errors.put("413", "the body is larger than the configured limit");
            errors.put("415", "the body is not application/json");
            errors.put("422", "a well-formed request that cannot be run (unknown profile, limits looser than allowed)");
        }
        errors.put("429", "over the rate for this key or address; retry later");
        errors.put("500", "a bug; the api-gateway log has it");
        errors.put("503", "the database is unreachable; retry after the Retry-After seconds");
        errors.forEach((code, description) -> {
            if (!responses.containsKey(code)) {
                responses.addApiResponse(code, new ApiResponse().description(description).content(new Content()
                        .addMediaType("application/problem+json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ERROR_SCHEMA)))));
            }
        });
    }
}
