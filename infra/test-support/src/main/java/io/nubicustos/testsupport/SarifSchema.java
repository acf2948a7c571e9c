package io.nubicustos.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The OASIS SARIF 2.1.0 JSON schema, for validating our SARIF export. It is not copied into this
 * repository: it is taken once from the npm registry (Microsoft's MIT-licensed
 * {@code @microsoft/sarif-multitool-linux} package ships it as {@code sarif-2.1.0.json}) and cached in
 * {@code ~/.cache/nubicustos/}. Needs {@code npm} and {@code tar} the first time.
 */
public final class SarifSchema {

    private static final String PACKAGE = "@microsoft/sarif-multitool-linux@5.7.0";

    private SarifSchema() {
    }

    public static synchronized Path path() {
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "nubicustos", "sarif-2.1.0.json");
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        try {
            Path work = Files.createTempDirectory("sarif-schema");
            run(work, "npm", "pack", PACKAGE, "--silent");
            Path tarball;
            try (var files = Files.list(work)) {
                tarball = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack " + PACKAGE + " produced no tarball"));
            }
            run(work, "tar", "xzf", tarball.getFileName().toString(), "package/sarif-2.1.0.json");
            Files.createDirectories(cached.getParent());
            Files.copy(work.resolve("package/sarif-2.1.0.json"), cached, StandardCopyOption.REPLACE_EXISTING);
            return cached;
        } catch (IOException e) {
            throw new IllegalStateException("could not fetch the SARIF 2.1.0 schema from npm (" + PACKAGE + ")", e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile()).start();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("output.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
