package io.nubicustos.testsupport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a test JVM leaves running, stopped at its end in order: the systems under test, then the database they
 * use, then their files. One hook, because the JVM runs its shutdown hooks at the same time: with a hook of its
 * own, the shared PostgreSQL stopped under systems that were still closing, each of which then waited out its
 * connection timeouts, until Surefire killed the JVM 30 s later, leaving the database's and the tests'
 * directories behind.
 *
 * <p>Each stage has a deadline that keeps the three within Surefire's 30 s: a stage that hangs is left to
 * finish on its own while the next one runs, so a system that will not close cannot keep the database running
 * or the directories on disk.
 */
public final class TestShutdown {

    /** The stages, in the order they run, each with the longest it is waited for. */
    public enum Stage {
        SYSTEMS(Duration.ofSeconds(15)), DATABASE(Duration.ofSeconds(8)), FILES(Duration.ofSeconds(5));

        private final Duration deadline;

        Stage(Duration deadline) {
            this.deadline = deadline;
        }
    }

    private static final Map<Stage, Deque<Runnable>> ACTIONS = new EnumMap<>(Stage.class);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestShutdown::run, "test-shutdown"));
    }

    private TestShutdown() {
    }

    /** Runs {@code action} at the JVM's end, in its stage; within a stage the last registered runs first. */
    public static synchronized void register(Stage stage, Runnable action) {
        ACTIONS.computeIfAbsent(stage, s -> new ArrayDeque<>()).push(action);
    }

    private static void run() {
        for (Stage stage : Stage.values()) {
            Deque<Runnable> actions;
            synchronized (TestShutdown.class) {
                actions = new ArrayDeque<>(ACTIONS.getOrDefault(stage, new ArrayDeque<>()));
            }
            Thread worker = new Thread(() -> {
                for (Runnable action : actions) {
                    try {
                        action.run();
                    } catch (RuntimeException | Error e) {
                        System.err.println("test shutdown: " + stage + " failed: " + e);
                    }
                }
            }, "test-shutdown-" + stage.name().toLowerCase());
            worker.setDaemon(true);
            worker.start();
            try {
                worker.join(stage.deadline.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (worker.isAlive()) {
                System.err.println("test shutdown: " + stage + " did not end within " + stage.deadline + "; going on");
            }
        }
    }
}
