package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.HostHealth;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Claims the next queued steps straight from Postgres, as many as the worker has free slots, on a thread
 * of its own. It claims as soon as there may be something to do: a slot was freed, a step command arrived
 * on Kafka; and every poll interval in any case (a step whose record was lost, a step another worker left).
 * So a freed slot takes the next step at once, whatever Kafka partition its record went to: the fleet is
 * work-conserving.
 */
@Component
class QueuedStepPoller {

    private static final Logger log = LoggerFactory.getLogger(QueuedStepPoller.class);

    private final StepRepository steps;
    private final StepExecutor executor;
    private final StepRunner runner;
    private final DockerEngine engine;
    private final HostHealth health;
    private final Duration pollInterval;
    private final Semaphore wakeups = new Semaphore(0);
    private volatile boolean stopped;
    private Thread thread;

    QueuedStepPoller(StepRepository steps, StepExecutor executor, StepRunner runner, DockerEngine engine, HostHealth health,
                     WorkerProperties properties) {
        this.health = health;
        health.onChange(this::wake);
        this.steps = steps;
        this.executor = executor;
        this.runner = runner;
        this.engine = engine;
        this.pollInterval = properties.worker().pollInterval();
        executor.onSlotFreed(this::wake);
    }

    @PostConstruct
    void start() {
        thread = new Thread(this::loop, "step-claimer");
        thread.setDaemon(true);
        thread.start();
    }

    @PreDestroy
    void stop() {
        stopped = true;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Asks for a claim round as soon as possible; never blocks. */
    void wake() {
        wakeups.release();
    }

    private void loop() {
        while (!stopped) {
            try {
                wakeups.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
                runOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Claiming queued steps failed ({}); retrying at the next wake-up", e.toString());
            }
        }
    }

    /** Claims and starts up to the free capacity; answers how many steps were started. */
    synchronized int runOnce() {
        // why: a host that cannot run containers would fail every step it took; they stay queued for others
        if (!health.mayClaim()) {
            return 0;
        }
        int reservedSlots = 0;
        int limit = health.claimLimit(executor.free());
        while (reservedSlots < limit && executor.tryReserve()) {
            reservedSlots++;
        }
        if (reservedSlots == 0) {
            return 0;
        }
        List<ClaimedStep> claimed;
        try {
            claimed = steps.claimNext(reservedSlots, engine.engineId(), engine.describe());
        } catch (RuntimeException e) {
            for (int i = 0; i < reservedSlots; i++) {
                executor.release();
            }
            throw e;
        }
        for (int i = claimed.size(); i < reservedSlots; i++) {
            executor.release();
        }
        for (ClaimedStep step : claimed) {
            executor.runReserved(step, slot -> runner.run(step, slot));
        }
        return claimed.size();
    }
}
