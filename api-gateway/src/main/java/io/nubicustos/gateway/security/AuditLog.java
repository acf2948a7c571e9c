package io.nubicustos.gateway.security;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Writes audit rows in batches, off the request's path: a request queues its row and goes on; a thread
 * of the log's own inserts what is queued every 100 ms (or sooner when 500 are waiting) in one statement.
 * Nothing is dropped: when the queue is full the request writes its row itself, and the queue is drained
 * when the service stops. A crash loses at most the last 100 ms of rows.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int BATCH = 500;
    private static final String INSERT = """
            insert into audit_log (at, actor, method, path, status, remote, detail) values (?, ?, ?, ?, ?, ?, cast(? as jsonb))
            """;
    private static final int[] TYPES = {Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.INTEGER,
            Types.VARCHAR, Types.VARCHAR};

    record Entry(Instant at, String actor, String method, String path, int status, String remote, String detail) {
        Object[] row() {
            return new Object[] {OffsetDateTime.ofInstant(at, ZoneOffset.UTC), actor, method, path, status, remote, detail};
        }
    }

    private final JdbcTemplate jdbc;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(10_000);
    private volatile boolean stopped;
    private Thread writer;

    AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @PostConstruct
    void start() {
        writer = new Thread(this::loop, "audit-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * A request that came on a topic rather than over HTTP: who sent it (its CloudEvents source), which topic, the
     * outcome as an HTTP status would say it (202 created, 200 delivered again, 400 refused), and what it touched.
     */
    public void intake(Instant at, String actor, String topic, int status, String detail) {
        record(new Entry(at, actor, "KAFKA", topic, status, null, detail));
    }

    void record(Entry entry) {
        if (!queue.offer(entry)) {
            write(List.of(entry));
        }
    }

    private void loop() {
        List<Entry> batch = new ArrayList<>(BATCH);
        while (!stopped || !queue.isEmpty()) {
            try {
                Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
                batch.clear();
            } catch (InterruptedException e) {
                if (stopped) {
                    break;
                }
            }
        }
    }

    private void write(List<Entry> entries) {
        try {
            jdbc.batchUpdate(INSERT, entries.stream().map(Entry::row).toList(), TYPES);
        } catch (RuntimeException e) {
            log.warn("Could not write {} audit row(s) ({}); they are lost: {}", entries.size(), e.toString(), entries);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        writer.interrupt();
        writer.join(5_000);
        List<Entry> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            write(rest);
        }
    }
}
