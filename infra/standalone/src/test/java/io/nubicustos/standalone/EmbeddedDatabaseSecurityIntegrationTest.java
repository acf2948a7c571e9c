package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL holds the truth: nobody gets in without the superuser's password (another user of the
 * machine, through the socket or TCP, used to get in as superuser), and it is durable (fsync and synchronous commit
 * on; the library's defaults turn both off). A data directory made before, with trust everywhere, is closed too.
 */
class EmbeddedDatabaseSecurityIntegrationTest {

    @Test
    void anotherUserOfTheMachineCannotLogInAndCommitsAreDurable() throws Exception {
        Path data = TestDirectories.create("nubicustos-pg-secure");
        String password = DatabasePassword.of(data, null);
        int port = Ports.free();
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("postgres"), port, NubicustosStandalone.Settings.LOOPBACK, password)) {
            Path file = data.resolve(DatabasePassword.FILE);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(DatabasePassword.of(data, null)).as("the same at every start").isEqualTo(password);

            assertThatThrownBy(() -> connect(port, null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(port, "guess")).isInstanceOf(SQLException.class).hasMessageContaining("password");
            try (Connection connection = connect(port, password)) {
                assertThat(setting(connection, "fsync")).isEqualTo("on");
                assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
                String socketDirectory = setting(connection, "unix_socket_directories").split(",")[0].trim();
                // why: another OS user, without the password, through the socket and through TCP (trust let both in)
                for (String host : List.of(socketDirectory, "127.0.0.1")) {
                    Process psql = new ProcessBuilder("runuser", "-u", "nobody", "--", "env", "-u", "PGPASSWORD", "psql", "-w", "-h", host,
                            "-p", Integer.toString(port), "-U", "postgres", "-d", "postgres", "-c", "select 1").redirectErrorStream(true).start();
                    assertThat(psql.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(psql.exitValue()).as(host + ": " + output).isNotZero();
                    assertThat(output).as(host).contains("password");
                }
            }
            assertThat(Files.readString(data.resolve("postgres/pg_hba.conf")).lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
                    .allSatisfy(line -> assertThat(line).endsWith("scram-sha-256"));
        }
    }

    @Test
    void aDataDirectoryMadeWithTrustEverywhereIsClosedAtItsNextStart() throws Exception {
        Path data = TestDirectories.create("nubicustos-pg-legacy");
        int port = Ports.free();
        // the library's own defaults, as the standalone used them before: initdb -A trust
        try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres").toFile())
                .setCleanDataDirectory(false).setPort(port).setRegisterShutdownHook(false).start();
             Connection connection = connect(port, null);
             var statement = connection.createStatement()) {
            statement.execute("create table kept (v text)");
            statement.execute("insert into kept values ('from before')");
        }

        String password = DatabasePassword.of(data, "operator-chosen-password");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("postgres"), port, NubicustosStandalone.Settings.LOOPBACK, password)) {
            assertThatThrownBy(() -> connect(port, null)).isInstanceOf(SQLException.class);
            try (Connection connection = connect(port, "operator-chosen-password");
                 ResultSet rows = connection.createStatement().executeQuery("select v from kept")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("from before");
            }
        }
    }

    private static Connection connect(int port, String password) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", "postgres");
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", properties);
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (ResultSet rows = connection.createStatement().executeQuery("show " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
