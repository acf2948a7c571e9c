package io.nubicustos.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL binaries (zonky) with a data directory that survives restarts. If the previous
 * standalone process was killed ({@code kill -9}), its postmaster is still running on the data
 * directory; it is stopped first (a fast shutdown, so committed data is safe) and then started again
 * under this process.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final int port;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port) {
        this.postgres = postgres;
        this.port = port;
    }

    static EmbeddedDatabase start(Path dataDir, int port) {
        return start(dataDir, port, NubicustosStandalone.Settings.LOOPBACK);
    }

    /** @param listenAddress the address PostgreSQL listens on; loopback unless an operator opens it deliberately */
    static EmbeddedDatabase start(Path dataDir, int port, String listenAddress) {
        try {
            Files.createDirectories(dataDir.getParent());
            stopOrphanedPostmaster(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", listenAddress)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // why: its own shutdown hook stopped PostgreSQL at SIGTERM while the services still used it, so
                    // each service's close waited out a 30-s connection timeout (65 s to exit); the launcher closes it last
                    .setRegisterShutdownHook(false)
                    .start();
            return new EmbeddedDatabase(postgres, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid);
        if (orphan.isEmpty() || !orphan.get().isAlive()) {
            return;
        }
        log.info("PostgreSQL {} from a previous run still holds {}; stopping it before starting again", pid, dataDir);
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            orphan.get().destroyForcibly();
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
