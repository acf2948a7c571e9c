package io.nubicustos.worker.step;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import java.sql.SQLException;

/**
 * A failure that is nobody's verdict on a step: the worker is stopping, or the database is unreachable. The step is
 * left running under its lease, its container as it is; when the lease expires a sweeper (here or elsewhere) adopts
 * the container. Any database error counts here, not only an unavailable database: a step must never be settled on a
 * statement this worker could not complete.
 */
@Component
class LeaveAsItIs {

    private static final Logger log = LoggerFactory.getLogger(LeaveAsItIs.class);

    private final StepExecutor executor;

    LeaveAsItIs(StepExecutor executor) {
        this.executor = executor;
    }

    boolean applies(ClaimedStep step, RuntimeException e) {
        if (executor.isStopping() || Thread.currentThread().isInterrupted()) {
            log.info("Step {} ({}) left as it is while this worker stops; it is adopted after restart", step.id(), step.tool());
            return true;
        }
        if (isDatabaseFailure(e)) {
            log.warn("Step {} ({}): the database is unreachable ({}); the step and its container are left as they are and adopted"
                    + " when the lease expires", step.id(), step.tool(), firstLine(e));
            return true;
        }
        return false;
    }

    private static boolean isDatabaseFailure(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof DataAccessException || e instanceof TransactionException || e instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
