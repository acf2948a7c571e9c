package io.nubicustos.worker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Docker engine this worker runs containers on. The address is, in order: the configured
 * {@code nubicustos.docker.host}; else {@code DOCKER_HOST}; else the unix socket; else
 * {@code tcp://localhost:2375} (the specification's fallbacks). The first candidate that answers a
 * ping is used. A worker whose engine does not answer claims nothing: its steps stay queued for a
 * worker that can run them.
 */
@Component
public class DockerEngine {

    private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);

    private final List<String> candidates;
    private final Duration pingInterval;
    private final Clock clock;
    private volatile DockerClient client;
    private volatile String engineId;
    private volatile String engineName;
    private volatile String address;
    private volatile boolean reachable;
    private volatile Instant lastPing = Instant.EPOCH;

    DockerEngine(WorkerProperties properties, Clock clock) {
        this.candidates = candidates(properties.docker().host());
        this.pingInterval = properties.docker().pingInterval();
        this.clock = clock;
        connect();
    }

    static List<String> candidates(String configured) {
        List<String> hosts = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            hosts.add(configured);
            return hosts;
        }
        String env = System.getenv("DOCKER_HOST");
        if (env != null && !env.isBlank()) {
            hosts.add(env);
        }
        hosts.add("unix:///var/run/docker.sock");
        hosts.add("tcp://localhost:2375");
        return hosts;
    }

    private synchronized void connect() {
        for (String host : candidates) {
            DockerClient candidate = build(host);
            try {
                Info info = candidate.infoCmd().exec();
                swap(candidate);
                engineId = identity(info);
                engineName = info.getName();
                address = host;
                reachable = true;
                log.info("Docker engine {} ({} {}) at {}", info.getName(), info.getServerVersion(), info.getId(), host);
                return;
            } catch (RuntimeException e) {
                closeQuietly(candidate);
                log.debug("Docker engine at {} does not answer: {}", host, e.toString());
            }
        }
        reachable = false;
        if (client == null) {
            client = build(candidates.get(0));
        }
        log.warn("No Docker engine answers at {}; this worker claims no steps until one does", candidates);
    }

    /**
     * Who the engine is, for deciding whether a step's container is on this worker's engine. Docker's own ID
     * is not enough: engines before 23 derive it from {@code /etc/docker/key.json}, which every engine of one
     * machine shares and cloned machines copy; its host's name and data root tell those apart. (A container
     * on another engine wrongly taken for this one's would look vanished, and its step would run twice.)
     */
    static String identity(Info info) {
        return info.getId() + "@" + info.getName() + ":" + info.getDockerRootDir();
    }

    private static DockerClient build(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .maxConnections(200)
                .build());
    }

    private void swap(DockerClient next) {
        DockerClient previous = client;
        client = next;
        if (previous != null && previous != next) {
            closeQuietly(previous);
        }
    }

    public DockerClient client() {
        return client;
    }

    /** The engine's identity (see {@link #identity}), recorded with each step so that sweepers only adopt containers they can see. */
    public String engineId() {
        return engineId;
    }

    /** The engine's name as it reports it (its host's name). */
    public String engineName() {
        return engineName;
    }

    /** The address the engine answered at. */
    public String address() {
        return address != null ? address : candidates.get(0);
    }

    /**
     * The engine as people name it in errors and listings: its name, the start of its ID (engines on one
     * machine share a name) and its address.
     */
    public String describe() {
        String id = engineId == null ? "unknown" : engineId.length() > 12 ? engineId.substring(0, 12) : engineId;
        // why: engines of one machine share a name and an ID; their address tells them apart
        return (engineName == null ? "?" : engineName) + " (" + id + ") at " + address();
    }

    /** Whether the engine answered recently; pings again at most every ping interval. */
    public boolean isReachable() {
        Instant now = clock.instant();
        if (Duration.between(lastPing, now).compareTo(pingInterval) >= 0) {
            lastPing = now;
            try {
                client.pingCmd().exec();
                if (!reachable) {
                    connect();
                }
                reachable = true;
            } catch (RuntimeException e) {
                if (reachable) {
                    log.warn("Docker engine stopped answering ({}); no new steps are claimed until it is back", e.toString());
                }
                reachable = false;
                connect();
            }
        }
        return reachable;
    }

    /** Whether the engine answered the last time it was asked (never asks again). */
    public boolean wasReachable() {
        return reachable;
    }

    /** Pings the engine now (not at most every ping interval): true when it answers. */
    public boolean probe() {
        lastPing = Instant.EPOCH;
        return isReachable();
    }

    @PreDestroy
    void close() {
        closeQuietly(client);
    }

    private static void closeQuietly(DockerClient c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // why: closing a client of an engine that is gone cannot fail in a way anyone could act on
        }
    }
}
