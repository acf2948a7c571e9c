package io.nubicustos.testsupport;

import java.nio.file.Path;

/**
 * The OASIS SARIF 2.1.0 JSON schema, for validating our SARIF export. Microsoft's MIT-licensed
 * {@code @microsoft/sarif-multitool-linux} package ships it as {@code sarif-2.1.0.json} (see {@link NpmFiles}).
 */
public final class SarifSchema {

    private SarifSchema() {
    }

    public static Path path() {
        return NpmFiles.fetch("@microsoft/sarif-multitool-linux@5.7.0", "sarif-2.1.0.json", "sarif-2.1.0.json");
    }
}
