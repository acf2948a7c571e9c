package io.nubicustos.support.database;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/**
 * The one notion of "the database cannot answer right now" that every service acts on, in two strengths:
 * <ul>
 *   <li>{@link #causedBy}: a connection that could not be had or was lost, a server shutting down. Nothing about the
 *       work at hand: the processor keeps a report for later without counting an attempt against it, a worker leaves
 *       its step to its lease.</li>
 *   <li>{@link #orTransient}: that, or a failure Spring or the driver says a retry may cure (a statement timeout, a
 *       deadlock victim): the API answers 503 with {@code Retry-After}, the intake keeps retrying a request. Never used
 *       where a retry that never ends would keep work from failing (a statement that always times out is the work's
 *       own fault, and the processor must be able to fail its step).</li>
 * </ul>
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean causedBy(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessResourceException
                    || e instanceof CannotCreateTransactionException || e instanceof SQLTransientConnectionException
                    || e instanceof SQLRecoverableException) {
                return true;
            }
            // why: PostgreSQL's class 08 is a connection exception, 57P01-03 an administrator's or a crash's shutdown
            if (e instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }

    public static boolean orTransient(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof TransientDataAccessException || e instanceof SQLTransientException) {
                return true;
            }
        }
        return causedBy(failure);
    }
}
