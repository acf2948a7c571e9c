package io.nubicustos.support.loop;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import java.time.Duration;

/**
 * The one way a service registers a periodic round (a sweep, a check, a refresh) with Spring's scheduler: a fixed
 * delay between rounds; a round that fails is logged with what it is, counted in
 * {@code nubicustos.task.failures{task}}, and the next round tries again. Spring's scheduler stops them within the
 * shutdown budget; the rounds themselves are short and idempotent, so one cut off is simply run again next time.
 */
public final class PeriodicTasks {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

    private PeriodicTasks() {
    }

    /** A round every {@code interval}, the first one interval after start. */
    public static void every(ScheduledTaskRegistrar registrar, MeterRegistry meters, String task, Duration interval, Runnable round) {
        register(registrar, meters, task, interval, interval, round);
    }

    /** A round every {@code interval}, the first one at once (gauges that should not start empty). */
    public static void everyFromStart(ScheduledTaskRegistrar registrar, MeterRegistry meters, String task, Duration interval,
                                      Runnable round) {
        register(registrar, meters, task, interval, Duration.ZERO, round);
    }

    private static void register(ScheduledTaskRegistrar registrar, MeterRegistry meters, String task, Duration interval,
                                 Duration initialDelay, Runnable round) {
        var failures = meters.counter("nubicustos.task.failures", "task", task);
        registrar.addFixedDelayTask(new FixedDelayTask(() -> {
            try {
                round.run();
            } catch (RuntimeException e) {
                failures.increment();
                log.warn("{} failed ({}); retrying in {}", task, e.toString(), interval);
            }
        }, interval, initialDelay));
    }
}
