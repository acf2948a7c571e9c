package io.nubicustos.gateway.outbox;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the outbox relay of this process. Code of the api-gateway that wrote outbox rows calls
 * {@link #afterCommit()}: the relay runs once the writing transaction committed (at once when there is none: a
 * single statement that committed on its own), never for a rollback. Rows written by other processes wake it
 * through {@link OutboxNotifications}. Any number of wake-ups while the relay is busy make one more round: the
 * relay drains the outbox whatever woke it.
 */
@Component
public class OutboxWakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private volatile boolean pending;

    /** The relay runs after the current transaction commits, or now when no transaction is active. */
    public void afterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wake();
                }
            });
        } else {
            wake();
        }
    }

    void wake() {
        if (pending) {
            return; // why: a burst of accepts costs one flag read each, not one lock each
        }
        lock.lock();
        try {
            pending = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until woken or {@code timeout} passed; a wake-up that came before the call ends it at once. */
    void await(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!pending && left > 0) {
                left = woken.awaitNanos(left);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }
}
