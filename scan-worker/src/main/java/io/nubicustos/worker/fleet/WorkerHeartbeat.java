package io.nubicustos.worker.fleet;

import io.nubicustos.support.loop.DaemonThreads;
import io.nubicustos.support.aws.AwsProfileFiles;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.HostHealth;
import io.nubicustos.worker.step.StepExecutor;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes this worker's row in {@code workers} every heartbeat interval, and at once when its health
 * changes: its engine, its slots, healthy or not and why. The heartbeat is stamped with the database's
 * clock, so readers compare it with the same clock. A worker that stops deletes its row; one that dies
 * leaves it to go stale.
 */
@Component
class WorkerHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeat.class);

    private static final String BEAT = """
            insert into workers (id, engine_id, engine_name, engine_address, slots, slots_in_use, healthy, unhealthy_reason,
                                 unhealthy_since, started_at, last_heartbeat, heartbeat_interval_ms, images, aws_profiles)
            values (:id, :engineId, :engineName, :engineAddress, :slots, :inUse, :healthy, :reason, :since, :startedAt, clock_timestamp(),
                    :intervalMillis, cast(:images as jsonb), cast(:awsProfiles as jsonb))
            on conflict (id) do update
               set engine_id = excluded.engine_id, engine_name = excluded.engine_name, engine_address = excluded.engine_address,
                   slots = excluded.slots, slots_in_use = excluded.slots_in_use, healthy = excluded.healthy,
                   unhealthy_reason = excluded.unhealthy_reason, unhealthy_since = excluded.unhealthy_since,
                   started_at = excluded.started_at, last_heartbeat = excluded.last_heartbeat,
                   heartbeat_interval_ms = excluded.heartbeat_interval_ms, images = coalesce(excluded.images, workers.images),
                   aws_profiles = coalesce(excluded.aws_profiles, workers.aws_profiles)
             where workers.started_at <= excluded.started_at
            """;
    // why: a newer incarnation of this worker id (a restart that overlapped) keeps its row
    private static final String GONE = "delete from workers where id = :id and started_at = :startedAt";
    // why: rows of workers that died are shown (?all=true) for a day, then forgotten
    private static final String FORGET_DEAD = "delete from workers where last_heartbeat < clock_timestamp() - interval '1 day'";

    private final JdbcClient jdbc;
    private final HostHealth health;
    private final ImagePresence images;
    private final ObjectMapper json;
    private final DockerEngine engine;
    private final StepExecutor executor;
    private final String id;
    private final Duration interval;
    private final java.nio.file.Path awsPath;
    private final OffsetDateTime startedAt;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("worker-heartbeat"));

    WorkerHeartbeat(JdbcClient jdbc, HostHealth health, DockerEngine engine, StepExecutor executor, WorkerIdentity identity,
                    WorkerProperties properties, Clock clock, ImagePresence images, ObjectMapper json) {
        this.images = images;
        this.json = json;
        this.jdbc = jdbc;
        this.health = health;
        this.engine = engine;
        this.executor = executor;
        this.id = identity.id();
        this.interval = properties.host().heartbeatInterval();
        this.awsPath = properties.credentials().awsPath();
        this.startedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        health.onChange(() -> {
            if (!thread.isShutdown()) {
                thread.execute(this::beatQuietly);
            }
        });
    }

    @PostConstruct
    void start() {
        thread.scheduleWithFixedDelay(this::beatQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
        try {
            // why: a beat still running would write the row again after it is deleted
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            jdbc.sql(GONE).param("id", id).param("startedAt", startedAt).update();
        } catch (RuntimeException e) {
            log.debug("Could not remove worker {}'s row at shutdown ({}); it goes stale", id, e.toString());
        }
    }

    void beat() {
        var sickness = health.sickness();
        jdbc.sql(BEAT).param("id", id).param("engineId", engine.engineId()).param("engineName", engine.engineName())
                .param("engineAddress", engine.address()).param("slots", executor.capacity()).param("inUse", executor.inUse())
                .param("healthy", sickness.isEmpty()).param("reason", sickness.map(HostHealth.Sickness::reason).orElse(null))
                .param("since", sickness.map(s -> s.since().atOffset(ZoneOffset.UTC)).orElse(null))
                .param("startedAt", startedAt).param("intervalMillis", interval.toMillis()).param("images", imagesJson())
                .param("awsProfiles", awsProfilesJson()).update();
        jdbc.sql(FORGET_DEAD).update();
    }

    /** The names of the profiles this worker can stage (names only); null (the row keeps what it had) when unreadable. */
    private String awsProfilesJson() {
        try {
            return json.writeValueAsString(AwsProfileFiles.read(awsPath).names());
        } catch (RuntimeException e) {
            log.debug("Could not read the AWS profile names in {} ({})", awsPath, e.toString());
            return null;
        }
    }

    /** The catalog's images on this host; null (the row keeps what it had) while the engine does not answer. */
    private String imagesJson() {
        if (!engine.wasReachable()) {
            return null;
        }
        List<ImagePresence.Entry> current = images.current();
        return current.isEmpty() ? null : json.writeValueAsString(current.stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tool", e.tool());
            entry.put("image", e.image());
            entry.put("present", e.present());
            entry.put("image_id", e.imageId());
            return entry;
        }).toList());
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            log.debug("Worker heartbeat failed ({}); the next one tries again", e.toString());
        }
    }
}
