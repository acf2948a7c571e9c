package io.nubicustos.worker.step;

import io.nubicustos.support.loop.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews the leases of the steps this worker runs, in one statement per round, on a thread of its own:
 * no other scheduled job (a slow claim, a sweep waiting for the database) can delay a renewal. Leases are
 * stamped with the database's clock, so workers whose clocks disagree still agree on what has expired.
 * After a failed round (the database is down) it retries every second until one succeeds, so that when
 * the database returns, running steps are renewed before other workers' sweepers see them as expired.
 */
@Component
class LeaseKeeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final StepRepository steps;
    private final StepExecutor executor;
    private final Duration interval;
    /** Rounds that could not renew (the database is away): what an outage test, and an alert, can wait on. */
    private final Counter failures;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("lease-keeper"));

    LeaseKeeper(StepRepository steps, StepExecutor executor, WorkerProperties properties, MeterRegistry meters) {
        this.failures = meters.counter("nubicustos.worker.lease.renewal.failures");
        this.steps = steps;
        this.executor = executor;
        this.interval = properties.worker().leaseRenewInterval();
    }

    @PostConstruct
    void start() {
        thread.schedule(this::round, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        Duration next = interval;
        try {
            runOnce();
        } catch (RuntimeException e) {
            next = RETRY;
            failures.increment();
            log.warn("Lease renewal failed ({}); retrying every {} until it succeeds", e.toString(), RETRY);
        } finally {
            if (!thread.isShutdown()) {
                thread.schedule(this::round, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    int runOnce() {
        Set<UUID> active = executor.active();
        int renewed = steps.renew(active);
        if (renewed < active.size()) {
            log.debug("Renewed {} of {} leases; the others were cancelled, taken over or already settled", renewed, active.size());
        }
        return renewed;
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
