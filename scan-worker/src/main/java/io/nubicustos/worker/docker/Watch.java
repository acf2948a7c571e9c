package io.nubicustos.worker.docker;

import java.io.Closeable;
import java.io.IOException;

/**
 * This worker waiting for one container. Another part of the worker may end the wait without touching
 * the container ({@link #release()}: the step was taken over by another worker, which now waits for the
 * same container), or record that the worker itself killed it ({@link #markKilled()}: cancelled, or past
 * its timeout), so that its exit is not mistaken for the tool's own doing.
 */
public final class Watch {

    private final String containerId;
    private volatile Closeable waiting;
    private volatile boolean released;
    private volatile boolean killed;

    public Watch(String containerId) {
        this.containerId = containerId;
    }

    public String containerId() {
        return containerId;
    }

    void waitingOn(Closeable wait) {
        this.waiting = wait;
        if (released) {
            closeQuietly(wait);
        }
    }

    /** Stops waiting for the container and leaves it as it is. */
    public void release() {
        released = true;
        closeQuietly(waiting);
    }

    public boolean released() {
        return released;
    }

    public void markKilled() {
        killed = true;
    }

    public boolean killedByUs() {
        return killed;
    }

    private static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // why: closing a wait that already ended changes nothing
        }
    }
}
