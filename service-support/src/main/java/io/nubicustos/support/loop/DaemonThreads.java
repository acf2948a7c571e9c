package io.nubicustos.support.loop;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of the services' own background work (relays, senders, keepers, recorders): named, so a thread dump and a
 * log line say whose they are, and daemons, so none of them keeps a JVM alive that was asked to stop.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** One name for every thread (a single-thread executor), or {@code name-1}, {@code name-2}… when it makes several. */
    public static ThreadFactory named(String name) {
        AtomicInteger made = new AtomicInteger();
        return runnable -> {
            int n = made.incrementAndGet();
            Thread thread = new Thread(runnable, n == 1 ? name : name + "-" + n);
            thread.setDaemon(true);
            return thread;
        };
    }
}
