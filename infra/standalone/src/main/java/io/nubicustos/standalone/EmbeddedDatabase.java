package io.nubicustos.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL binaries (zonky) with a data directory that survives restarts. If the previous
 * standalone process was killed ({@code kill -9}), its postmaster is still running on the data
 * directory; it is stopped first (a fast shutdown, so committed data is safe) and then started again
 * under this process.
 *
 * <p>It holds the truth, so it is neither open nor fragile: the library's test defaults ({@code initdb -A trust},
 * {@code -F}, {@code synchronous_commit=off}) let any user of the machine in as superuser (who can then run programs
 * as the operator with {@code COPY ... TO PROGRAM}) and let a power loss corrupt it. Here the superuser has a password
 * ({@link DatabasePassword}), every {@code pg_hba} line asks for it with {@code scram-sha-256} ({@code local} too), and
 * fsync and synchronous commit are on. A data directory made before (trust everywhere) gets the password and the
 * scram lines at its first start, while trust still lets this process in.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final int port;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port, String password) {
        this.postgres = postgres;
        this.port = port;
        this.password = password;
    }

    static EmbeddedDatabase start(Path dataDir, int port) {
        return start(dataDir, port, NubicustosStandalone.Settings.LOOPBACK);
    }

    static EmbeddedDatabase start(Path dataDir, int port, String listenAddress) {
        return start(dataDir, port, listenAddress, DatabasePassword.of(dataDir.getParent(), System.getenv("EMBEDDED_POSTGRES_PASSWORD")));
    }

    /**
     * @param listenAddress the address PostgreSQL listens on; loopback unless an operator opens it deliberately
     * @param password      the superuser's password (set at initdb, or on a data directory that had none)
     */
    static EmbeddedDatabase start(Path dataDir, int port, String listenAddress, String password) {
        Path pwfile = null;
        try {
            Files.createDirectories(dataDir.getParent());
            stopOrphanedPostmaster(dataDir);
            // why: initdb reads the password from a file only (never argv, which any user can read in ps)
            pwfile = Files.createTempFile(dataDir.getParent(), ".pwfile-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pwfile, password + "\n");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir.toFile())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", listenAddress)
                    // why: the library starts postgres with -F and synchronous_commit=off (test speed); later -c wins
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // why: the library runs initdb -A trust; initdb takes the last --auth it is given
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", pwfile.toString())
                    .setConnectConfig("password", password)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // why: its own shutdown hook stopped PostgreSQL at SIGTERM while the services still used it, so
                    // each service's close waited out a 30-s connection timeout (65 s to exit); the launcher closes it last
                    .setRegisterShutdownHook(false)
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, port, password);
            try {
                database.requirePasswords(dataDir, NubicustosStandalone.Settings.isLoopback(listenAddress));
            } catch (RuntimeException e) {
                postgres.close();
                throw e;
            }
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        } finally {
            if (pwfile != null) {
                try {
                    Files.deleteIfExists(pwfile);
                } catch (IOException ignored) {
                    // why: a 0600 file in the operator's own data directory; the next start writes a new one
                }
            }
        }
    }

    /**
     * The superuser's password set (a data directory from before had none) and pg_hba.conf made of scram-sha-256 lines
     * only, reloaded. Idempotent: a database that has both gets the same again.
     */
    private void requirePasswords(Path dataDir, boolean loopbackOnly) throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            // why: ALTER ROLE takes no bind parameters; the password is ours (base64url or the operator's), quoted as a literal
            statement.execute("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "'");
            Path hba = dataDir.resolve("pg_hba.conf");
            String lines = "# written by Nubicustos at every start: every connection needs the superuser's password\n"
                    + "local all all scram-sha-256\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n"
                    + "host all all ::1/128 scram-sha-256\n"
                    + (loopbackOnly ? "" : "host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n");
            if (!Files.isRegularFile(hba) || !Files.readString(hba).equals(lines)) {
                Files.writeString(hba, lines);
                statement.execute("SELECT pg_reload_conf()");
                log.info("Embedded PostgreSQL in {} now asks every connection for the superuser's password (scram-sha-256)", dataDir);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL in " + dataDir + " does not take its password (" + e.getMessage()
                    + "); if EMBEDDED_POSTGRES_PASSWORD changed, set it back to the one in use", e);
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

    String password() {
        return password;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
