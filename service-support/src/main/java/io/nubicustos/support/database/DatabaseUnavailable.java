package io.nubicustos.support.database;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The one notion of "the database cannot answer right now" that every service acts on: the API answers 503 with
 * {@code Retry-After}, the intake retries a request for as long as it lasts instead of dead-lettering it, the
 * processor keeps a report for later without counting an attempt against it. A failure is one if anything in its
 * chain of causes is a connection that could not be had or was lost, or a transient failure Spring or the driver
 * says a retry may cure (a timeout, a deadlock victim).
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean causedBy(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                    || e instanceof CannotCreateTransactionException || e instanceof SQLTransientException
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
}
