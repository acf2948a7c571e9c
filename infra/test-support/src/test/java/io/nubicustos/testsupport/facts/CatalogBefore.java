package io.nubicustos.testsupport.facts;

import io.nubicustos.model.catalog.ToolCatalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The built-in catalog as it was before it was read against the tools' sources (test resource
 * {@code catalog-before-issue-19.yaml}). Today's validation refuses it outright for its Pacu step; the rest of its faults
 * are looked at in a copy whose Pacu step is made safe.
 */
final class CatalogBefore {

    static final String PACU_STEP = "--module-name, iam__privesc_scan, --exec]";

    private CatalogBefore() {
    }

    static String text() {
        try (InputStream in = CatalogBefore.class.getResourceAsStream("/catalog-before-issue-19.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The catalog as it was, as a file. */
    static Path file() {
        return write(text());
    }

    /** The catalog as it was, but for its Pacu step, which today's validation refuses. */
    static ToolCatalog withSafePacu() {
        String text = text();
        if (!text.contains(PACU_STEP)) {
            throw new IllegalStateException("the old Pacu step is not in the file");
        }
        return ToolCatalog.load(write(text.replace(PACU_STEP, "--module-name, iam__privesc_scan, --module-args=--scan-only, --exec]")));
    }

    private static Path write(String text) {
        try {
            Path file = Files.createTempFile("catalog-before-", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
