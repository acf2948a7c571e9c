package io.nubicustos.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Standard documents (JSON schemas) that tests validate against, taken once from a package of the npm
 * registry rather than copied into this repository, and cached in {@code ~/.cache/nubicustos/}. Needs
 * {@code npm} and {@code tar} the first time.
 */
final class NpmFiles {

    private NpmFiles() {
    }

    /** The file {@code pathInPackage} of {@code packageSpec} ({@code name@version}), cached as {@code cacheName}. */
    static synchronized Path fetch(String packageSpec, String pathInPackage, String cacheName) {
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "nubicustos", cacheName);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        try {
            Path work = Files.createTempDirectory("npm-file");
            run(work, "npm", "pack", packageSpec, "--silent");
            Path tarball;
            try (var files = Files.list(work)) {
                tarball = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack " + packageSpec + " produced no tarball"));
            }
            run(work, "tar", "xzf", tarball.getFileName().toString(), "package/" + pathInPackage);
            Files.createDirectories(cached.getParent());
            Files.copy(work.resolve("package/" + pathInPackage), cached, StandardCopyOption.REPLACE_EXISTING);
            return cached;
        } catch (IOException e) {
            throw new IllegalStateException("could not fetch " + pathInPackage + " from npm (" + packageSpec + ")", e);
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
