package io.nubicustos.testsupport;

import io.nubicustos.model.catalog.ToolCatalog;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stand-in catalog overlay the tests run with: {@code infra/dev/standin-catalog.yaml}, which the build passes to
 * every test JVM as {@code nubicustos.catalog-overlay} (with {@code nubicustos.docker.allow-standins=true}), so every
 * system a test starts plans the stand-ins' images, never a real tool's.
 */
public final class StandIns {

    public static final String OVERLAY_PROPERTY = "nubicustos.catalog-overlay";

    private StandIns() {
    }

    /** The overlay file. */
    public static Path overlay() {
        String configured = System.getProperty(OVERLAY_PROPERTY);
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property " + OVERLAY_PROPERTY + " is not set (the parent POM sets it for every test JVM)");
        }
        Path file = Path.of(configured);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the stand-in catalog overlay is missing at " + file + " (system property " + OVERLAY_PROPERTY + ")");
        }
        return file;
    }

    /** The image the overlay names for {@code tool}. */
    public static String image(String tool) {
        return ToolCatalog.load(null, overlay().toString()).requireTool(tool).image();
    }
}
