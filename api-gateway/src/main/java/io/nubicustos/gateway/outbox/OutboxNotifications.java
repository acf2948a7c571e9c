package io.nubicustos.gateway.outbox;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's {@code LISTEN nubicustos_outbox} on a connection of its own: a trigger notifies on every
 * insert into the outbox, and the notification is delivered when the inserting transaction commits, so
 * the relay publishes a scan's steps within milliseconds of the accept. If the connection is lost the
 * relay falls back to its poll interval and the connection is opened again on the next wait.
 */
@Component
class OutboxNotifications implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);
    static final String CHANNEL = "nubicustos_outbox";

    /** The longest one wait on the connection lasts, so that stopping never waits for a long poll interval. */
    private static final long SLICE_MILLIS = 500;

    private final DataSource dataSource;
    private Connection connection;
    private volatile boolean stopped;

    OutboxNotifications(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Waits until a notification arrives, {@code timeout} has passed or {@link #stop()} is called; never throws. */
    void await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            PGConnection listening = listening();
            while (!stopped) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                // why: one wake-up is enough for any number of commits; the relay drains the outbox whatever woke it
                var notifications = listening.getNotifications((int) Math.min(Math.max(1, left), SLICE_MILLIS));
                if (notifications != null && notifications.length > 0) {
                    return;
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Listening for outbox notifications failed ({}); falling back to the poll interval", e.toString());
            close();
            sleep(Math.min(timeout.toMillis(), SLICE_MILLIS));
        }
    }

    /** Makes a waiting {@link #await} return within a moment; the relay closes the connection on its way out. */
    void stop() {
        stopped = true;
    }

    private PGConnection listening() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (Statement listen = connection.createStatement()) {
                listen.execute("listen " + CHANNEL);
            }
        }
        return connection.unwrap(PGConnection.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the listening connection; called by the relay's own thread (the connection is not shared). */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // why: a connection that is already broken needs no closing
            }
            connection = null;
        }
    }
}
