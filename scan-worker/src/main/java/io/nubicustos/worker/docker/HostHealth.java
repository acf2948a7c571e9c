package io.nubicustos.worker.docker;

import io.nubicustos.support.loop.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Optional;

/**
 * Whether this worker's Docker host can run containers, as the worker has seen it. After
 * {@code sick-after} infrastructure failures in a row (containers the host could not create or start) the
 * worker is unhealthy: it claims nothing, its readiness is down, a metric and a log line say why, and its
 * running containers are left alone. While unhealthy it probes the host with what failed (the reports
 * directory writable, the image under the pull policy, the network, a container created and removed at once)
 * and is healthy again when that works; then, as on a fresh host, it takes one step at a time until a
 * container has started. An engine that does not answer at all makes the worker unhealthy at once.
 */
@Component("dockerHost")
public class HostHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(HostHealth.class);

    /** Why the worker takes no work, since when, and after how many failures in a row. */
    public record Sickness(String reason, Instant since, int failures) {
    }

    private final DockerEngine engine;
    private final ContainerRunner containers;
    private final ReportDirectories directories;
    private final Clock clock;
    private final String workerId;
    private final int sickAfter;
    private final Duration probeInterval;
    private final Counter failures;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("host-prober"));
    private volatile Sickness sickness;
    private volatile StepPlan lastFailedPlan;
    // why: a fresh host, or one that just passed its probe, has not shown that it can start a container; until it
    // has, it takes one step at a time, so that a probe that passes while starting still fails costs one attempt
    private volatile boolean onProbation = true;

    HostHealth(DockerEngine engine, ContainerRunner containers, ReportDirectories directories, Clock clock, WorkerIdentity identity,
               WorkerProperties properties, MeterRegistry meters) {
        this.engine = engine;
        this.containers = containers;
        this.directories = directories;
        this.clock = clock;
        this.workerId = identity.id();
        this.sickAfter = properties.host().sickAfter();
        this.probeInterval = properties.host().probeInterval();
        this.failures = Counter.builder("nubicustos.worker.infrastructure.failures")
                .description("Containers this worker's Docker host could not create or start").register(meters);
        Gauge.builder("nubicustos.worker.healthy", this, h -> h.isHealthy() ? 1 : 0)
                .description("1 when this worker claims work, 0 while its Docker host cannot run containers").register(meters);
    }

    @PostConstruct
    void start() {
        prober.scheduleWithFixedDelay(this::probeQuietly, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        prober.shutdownNow();
    }

    /** Whether this worker may claim work now: its engine answers and can run containers. */
    public boolean mayClaim() {
        return sickness == null && engine.isReachable();
    }

    /** How many steps the worker may claim at once now: one until a container has started on this host. */
    public int claimLimit(int freeSlots) {
        return onProbation ? Math.min(1, freeSlots) : freeSlots;
    }

    private boolean isHealthy() {
        return sickness == null && engine.isReachable();
    }

    /** What makes this worker unhealthy, if anything: a sickness, or an engine that does not answer. */
    public Optional<Sickness> sickness() {
        Sickness now = sickness;
        // why: the last known answer, never a new ping: a hung engine must not stop the heartbeat that reports it
        if (now == null && !engine.wasReachable()) {
            return Optional.of(new Sickness("the Docker engine does not answer at " + engine.address(), clock.instant(), 0));
        }
        return Optional.ofNullable(now);
    }

    /** Tells {@code listener} whenever the worker becomes unhealthy or healthy again. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    /** A container of this host was created and started: the host works. */
    public void containerStarted() {
        failuresInARow.set(0);
        onProbation = false;
    }

    /** The host could not create or start the container of {@code plan}, for {@code reason}. */
    public void infrastructureFailed(StepPlan plan, String reason) {
        failures.increment();
        lastFailedPlan = plan;
        int inARow = failuresInARow.incrementAndGet();
        if (inARow < sickAfter) {
            return;
        }
        synchronized (this) {
            if (sickness != null) {
                return;
            }
            sickness = new Sickness(reason, clock.instant(), inARow);
        }
        log.warn("Worker {} stops claiming steps: {} infrastructure failures in a row on Docker engine {}, the last: {}. It checks the"
                        + " engine every {} and takes work again once it can run containers; its running containers are left alone",
                workerId, inARow, engine.describe(), reason, probeInterval);
        tellListeners();
    }

    private void tellListeners() {
        for (Runnable listener : changeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // why: a listener that is shutting down must not turn a step's failure handling into another failure
                log.debug("A health listener failed ({})", e.toString());
            }
        }
    }

    /** Checks, when unhealthy, whether the engine can run containers again; answers whether the worker is healthy. */
    public boolean probeOnce() {
        Sickness was = sickness;
        if (was == null) {
            return true;
        }
        StepPlan plan = lastFailedPlan;
        try {
            if (!engine.probe()) {
                throw new IllegalStateException("the Docker engine does not answer at " + engine.address());
            }
            directories.checkWritable();
            if (plan != null) {
                containers.canary(plan.image(), plan.network(), plan.entrypoint(), plan.command());
            }
        } catch (RuntimeException e) {
            log.debug("Worker {}: the Docker engine still cannot run containers ({})", workerId, e.getMessage());
            return false;
        }
        synchronized (this) {
            sickness = null;
            failuresInARow.set(0);
            onProbation = true;
        }
        log.info("Worker {} takes work again: Docker engine {} runs containers again (it could not for {}: {})", workerId,
                engine.describe(), Duration.between(was.since(), clock.instant()), was.reason());
        tellListeners();
        return true;
    }

    private void probeQuietly() {
        try {
            probeOnce();
        } catch (RuntimeException e) {
            log.warn("Probing the Docker engine failed unexpectedly ({}); trying again in {}", e.toString(), probeInterval);
        }
    }

    @Override
    public Health health() {
        return sickness().map(s -> Health.down().withDetail("reason", s.reason()).withDetail("since", s.since().toString())
                        .withDetail("failures_in_a_row", s.failures()).withDetail("engine", engine.describe()).build())
                .orElseGet(() -> Health.up().withDetail("engine", engine.describe()).build());
    }
}
