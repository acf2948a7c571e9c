package io.nubicustos.gateway.outbox;

import io.nubicustos.model.messaging.OutboxChannel;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.stereotype.Component;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code LISTEN} on {@link OutboxChannel#NAME}, on a connection and a thread of its own: services other than the
 * api-gateway notify in the transaction that wrote outbox rows, and each notification wakes the relay when that
 * transaction commits. A lost connection is opened again after a pause; meanwhile the relay's poll interval is
 * the safety net. The connection is not the pool's: waiting for notifications goes around the pool's wrapper, so a
 * pooled connection that died while listening would be handed, dead, to the next request (and a listening one
 * would take a request's place in the pool for good).
 */
@Component
class OutboxNotifications {

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);

    /** The longest one wait on the connection lasts, so that stopping never waits long. */
    private static final int SLICE_MILLIS = 500;

    private final JdbcConnectionDetails database;
    private final OutboxWakeup wakeup;
    private volatile boolean stopped;
    private final Thread thread = new Thread(this::listen, "outbox-listener");

    OutboxNotifications(JdbcConnectionDetails database, OutboxWakeup wakeup) {
        this.database = database;
        this.wakeup = wakeup;
        thread.setDaemon(true);
    }

    @PostConstruct
    void start() {
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        thread.join(TimeUnit.SECONDS.toMillis(2));
    }

    private void listen() {
        while (!stopped) {
            try (Connection connection = open()) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("listen " + OutboxChannel.NAME);
                }
                // why: the relay may have missed rows written while nobody listened
                wakeup.wake();
                PGConnection listening = connection.unwrap(PGConnection.class);
                while (!stopped) {
                    var notifications = listening.getNotifications(SLICE_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        wakeup.wake();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!stopped) {
                    log.debug("Listening for outbox notifications failed ({}); trying again, the relay polls meanwhile", e.toString());
                    pause();
                }
            }
        }
    }

    private Connection open() throws SQLException {
        Properties properties = new Properties();
        if (database.getUsername() != null) {
            properties.setProperty("user", database.getUsername());
        }
        if (database.getPassword() != null) {
            properties.setProperty("password", database.getPassword());
        }
        properties.setProperty("ApplicationName", "nubicustos outbox listener");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(database.getJdbcUrl(), properties);
    }

    private static void pause() {
        try {
            Thread.sleep(SLICE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
