package io.nubicustos.testsupport;

import io.nubicustos.model.files.SafeTree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary directories of a test JVM, deleted when it ends. The end-to-end tests' directories hold reports,
 * Kafka logs and stand-in images' outputs (a 150,000-finding report among them): left behind, one CI run
 * filled several gigabytes of a disk the stack check then needed.
 *
 * <p>Deleted at the JVM's end, after the systems under test are closed ({@link TestShutdown}), rather than after
 * each test, and on a best-effort basis, since a system a test closed may still have a tool container writing
 * into its reports for a moment; a directory that cannot be deleted must not fail a test. Deleted as the product
 * deletes report directories ({@link SafeTree}): a link, even one a container swaps in meanwhile, is removed and
 * never followed.
 */
public final class TestDirectories {

    private static final Set<Path> CREATED = ConcurrentHashMap.newKeySet();

    static {
        TestShutdown.register(TestShutdown.Stage.FILES, () -> CREATED.forEach(TestDirectories::deleteQuietly));
    }

    private TestDirectories() {
    }

    /** A new directory under the system's temporary directory, named with {@code prefix}, deleted at the JVM's end. */
    public static Path create(String prefix) throws IOException {
        Path directory = Files.createTempDirectory(prefix);
        CREATED.add(directory);
        return directory;
    }

    private static void deleteQuietly(Path directory) {
        try {
            SafeTree.delete(directory);
        } catch (RuntimeException ignored) {
            // best effort: what is left stays in the temporary directory
        }
    }
}
