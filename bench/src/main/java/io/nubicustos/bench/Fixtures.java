package io.nubicustos.bench;

import io.nubicustos.standalone.NubicustosStandalone;
import io.nubicustos.testsupport.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** What the rows share: a data directory with credentials, a fresh database, a standalone system, SQL. */
final class Fixtures {

    static final String CREDENTIALS = "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n";

    private Fixtures() {
    }

    static Path dataDirectory(String name) {
        try {
            Path data = Files.createTempDirectory(name);
            Files.createDirectories(data.resolve("credentials/aws"));
            Files.writeString(data.resolve("credentials/aws/credentials"), CREDENTIALS);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String database() {
        return TestPostgres.newDatabase();
    }

    /** The system with production settings, except those given. */
    static NubicustosStandalone system(Path data, String database, String kafka, Map<String, String> settings, Set<String> services) {
        Map<String, String> all = new HashMap<>(Map.of("spring.datasource.username", "postgres", "spring.datasource.password", ""));
        all.putAll(settings);
        return NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, kafka, free(), free(), 0, 0, 0, 0, all,
                services));
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long count(String database, String sql) {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(String database, String sql) {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String ms(double seconds) {
        return String.format("%.0f ms", seconds * 1000);
    }

    static String seconds(double seconds) {
        return String.format("%.1f s", seconds);
    }
}
