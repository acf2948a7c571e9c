package io.nubicustos.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (zonky's embedded binaries, no Docker needed), and a fresh
 * database per caller so that test classes never see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                // why: its own hook would stop it at the same time as the systems that still use it (TestShutdown)
                server = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            TestShutdown.register(TestShutdown.Stage.DATABASE, () -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // why: the JVM is exiting; a server that will not stop dies with its temp directory
                }
            });
        }
        return server;
    }

    /** The server's port on localhost. */
    public static int port() {
        return server().getPort();
    }

    /** The same JDBC URL, through another port (a {@link TcpProxy} in front of this server). */
    public static String viaPort(String jdbcUrl, int port) {
        return jdbcUrl.replace("localhost:" + port(), "localhost:" + port);
    }

    /** Creates an empty database and answers its JDBC URL (user and password: postgres). */
    public static String newDatabase() {
        String name = "nubicustos_test_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }
}
