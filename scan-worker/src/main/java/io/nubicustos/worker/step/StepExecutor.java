package io.nubicustos.worker.step;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs steps off the Kafka poll thread, at most {@code concurrency} at once. A slot is reserved
 * before a step is claimed, so a worker never claims more than it can start: what it cannot take
 * stays queued in Postgres for an idle worker. Adopted orphans bypass the bound: their container
 * already runs, and waiting for it costs a thread, not a slot on the Docker host.
 */
@Component
public class StepExecutor {

    private static final Logger log = LoggerFactory.getLogger(StepExecutor.class);

    private final int capacity;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService pool;

    StepExecutor(WorkerProperties properties, MeterRegistry meters) {
        this.capacity = properties.worker().concurrency();
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "step-runner-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("nubicustos.worker.steps.active", active, Set::size)
                .description("Steps whose containers this worker is running or waiting for").register(meters);
    }

    /** Reserves a slot; false when the worker is full or stopping. */
    public boolean tryReserve() {
        while (!stopping.get()) {
            int now = reserved.get();
            if (now >= capacity) {
                return false;
            }
            if (reserved.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    public void release() {
        reserved.decrementAndGet();
    }

    public int free() {
        return stopping.get() ? 0 : Math.max(0, capacity - reserved.get());
    }

    /** Runs a step in a slot reserved with {@link #tryReserve()}; the slot is released when it ends. */
    public void runReserved(UUID stepId, Runnable work) {
        submit(stepId, work, true);
    }

    /** Runs an adopted step without a slot. */
    public void runAdopted(UUID stepId, Runnable work) {
        submit(stepId, work, false);
    }

    private void submit(UUID stepId, Runnable work, boolean holdsSlot) {
        if (!active.add(stepId)) {
            if (holdsSlot) {
                release();
            }
            return;
        }
        pool.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.error("Step {} ended with an unexpected error; its lease will expire and a sweeper moves it on", stepId, e);
            } finally {
                active.remove(stepId);
                if (holdsSlot) {
                    release();
                }
            }
        });
    }

    /** Steps this worker is running now; their leases are renewed. */
    public Set<UUID> active() {
        return Set.copyOf(active);
    }

    public boolean isActive(UUID stepId) {
        return active.contains(stepId);
    }

    public boolean isStopping() {
        return stopping.get();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping.set(true);
        // why: containers keep running on shutdown; the next worker (or this one restarted) adopts them
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        if (!active.isEmpty()) {
            log.info("Stopping with {} step(s) still running in containers; they are adopted when a worker takes their leases", active.size());
        }
    }
}
