package io.nubicustos.worker.docker;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.function.Supplier;

/**
 * Serializes the preparation of one Docker engine (creating its tool network) across every worker that
 * uses it, whatever process they run in: Docker's own duplicate check is not atomic, so two workers creating
 * a network at once on a fresh engine get two networks of one name, and the engine then refuses every
 * container attached by that name. The lock is a PostgreSQL transaction-scoped advisory lock keyed by the
 * engine's ID and the resource's name, held only while the engine is asked.
 */
@Component
public class EngineLocks {

    private static final String LOCK = "select pg_advisory_xact_lock(hashtext('nubicustos-engine:' || :engine || ':' || :resource))";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    EngineLocks(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Runs {@code work} while no other worker prepares {@code resource} on engine {@code engineId}. */
    public <T> T holding(String engineId, String resource, Supplier<T> work) {
        return tx.execute(status -> {
            // why: a worker stuck preparing (its engine hangs) must not hold every other worker of the engine for ever
            jdbc.sql("set local lock_timeout = '60s'").update();
            jdbc.sql(LOCK).param("engine", String.valueOf(engineId)).param("resource", resource).query().listOfRows();
            return work.get();
        });
    }
}
