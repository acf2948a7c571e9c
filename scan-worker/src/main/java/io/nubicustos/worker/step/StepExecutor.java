package io.nubicustos.worker.step;

import io.nubicustos.support.logging.LogContext;
import io.nubicustos.support.tracing.StoredTraces;
import io.nubicustos.worker.system.WorkerIdentity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.worker.system.WorkerProperties;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs steps off the Kafka poll thread, at most {@code concurrency} containers at once. A slot is
 * reserved before a step is claimed, so a worker never claims more than it can start: what it cannot
 * take stays queued in Postgres for an idle worker. A slot is a running container: it is freed as soon as
 * the container has exited and its exit is recorded (the log tail, the report and the container's removal
 * follow outside the slot), and whoever waits for a free slot is told at once. Adopted orphans bypass the
 * bound: their container already runs, and waiting for it costs a thread, not a slot on the Docker host.
 */
@Component
public class StepExecutor {

    private static final Logger log = LoggerFactory.getLogger(StepExecutor.class);

    private final int capacity;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Runnable> slotFreed = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;

    private final String worker;
    private final StoredTraces traces;

    StepExecutor(WorkerProperties properties, MeterRegistry meters, WorkerIdentity identity, StoredTraces traces) {
        this.worker = identity.id();
        this.traces = traces;
        this.capacity = properties.worker().concurrency();
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "step-runner-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("nubicustos.worker.steps.active", active, Set::size)
                .description("Steps whose containers this worker is running or waiting for").register(meters);
        Gauge.builder("nubicustos.worker.slots.used", reserved, AtomicInteger::get)
                .description("Container slots of this worker in use").register(meters);
        Gauge.builder("nubicustos.worker.slots", () -> capacity).description("Container slots of this worker").register(meters);
    }

    /** A reserved slot. Freed once, by the first to free it: the runner when its container exited, or the end of the work. */
    public final class Slot {
        private final AtomicBoolean freed;

        private Slot(boolean held) {
            this.freed = new AtomicBoolean(!held);
        }

        public void free() {
            if (freed.compareAndSet(false, true)) {
                reserved.decrementAndGet();
                slotFreed.forEach(Runnable::run);
            }
        }
    }

    /** Tells {@code listener} (on the freeing thread; it must not block) whenever a slot is freed. */
    void onSlotFreed(Runnable listener) {
        slotFreed.add(listener);
    }

    public int capacity() {
        return capacity;
    }

    /** Slots reserved or running a container now. */
    public int inUse() {
        return reserved.get();
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

    /** Gives back a slot reserved with {@link #tryReserve()} that no step was claimed for. */
    public void release() {
        reserved.decrementAndGet();
    }

    public int free() {
        return stopping.get() ? 0 : Math.max(0, capacity - reserved.get());
    }

    /** Runs a step in a slot reserved with {@link #tryReserve()}; the slot is freed by the work, or when it ends. */
    public void runReserved(ClaimedStep step, Consumer<Slot> work) {
        submit(step, work, new Slot(true));
    }

    /** Runs an adopted step without a slot. */
    public void runAdopted(ClaimedStep step, Consumer<Slot> work) {
        submit(step, work, new Slot(false));
    }

    /**
     * On the step's own thread, every log line carries the step's scan, id, tool and this worker, and the trace its scan
     * began (ADR 7): whatever the runner logs, and the completion it sends, belong to that trace.
     */
    private void submit(ClaimedStep step, Consumer<Slot> work, Slot slot) {
        UUID stepId = step.id();
        if (!active.add(stepId)) {
            slot.free();
            return;
        }
        pool.execute(() -> {
            try (LogContext ignored = LogContext.of(java.util.Map.of(LogContext.SCAN_ID, step.scanId(), LogContext.STEP_ID, stepId,
                    LogContext.TOOL, step.tool(), LogContext.WORKER, worker));
                 StoredTraces.Continued trace = traces.continueFrom(step.traceParent(), "step " + step.tool())) {
                try {
                    work.accept(slot);
                } catch (RuntimeException e) {
                    // why: inside the step's context, so this line too names the scan, the step and the trace
                    log.error("Step {} ended with an unexpected error; its lease will expire and a sweeper moves it on", stepId, e);
                }
            } finally {
                active.remove(stepId);
                slot.free();
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
