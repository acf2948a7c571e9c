package io.nubicustos.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real tool outputs in {@code ../shared/samples/}, which tests use instead of invented JSON. */
public final class Samples {

    private Samples() {
    }

    public static Path dir() {
        String configured = System.getProperty("nubicustos.samples");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/samples").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("The real tool samples were not found (looked at -Dnubicustos.samples="
                + configured + " and ../shared/samples above " + here + "). Clone the project beside shared/.");
    }

    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("sample " + file + " does not exist");
        }
        return file;
    }
}
