package io.nubicustos.support.database;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseUnavailableTest {

    @Test
    void aLostOrUnobtainableConnectionIsUnavailabilityWhereverItIsInTheChain() {
        assertThat(DatabaseUnavailable.causedBy(new CannotGetJdbcConnectionException("pool", new SQLException("refused", "08001")))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new CannotCreateTransactionException("no connection"))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new RuntimeException("wrapped", new SQLException("terminating connection", "57P01")))).isTrue();
        assertThat(DatabaseUnavailable.causedBy(new IllegalStateException(new SQLException("I/O error", "08006")))).isTrue();
    }

    @Test
    void aTimeoutOrADeadlockIsOnlyTransientSoWorkThatAlwaysTimesOutCanStillFail() {
        var timeout = new org.springframework.dao.QueryTimeoutException("canceling statement due to statement timeout",
                new SQLException("canceling statement due to statement timeout", "57014"));
        assertThat(DatabaseUnavailable.causedBy(timeout)).isFalse();
        assertThat(DatabaseUnavailable.orTransient(timeout)).isTrue();
        var deadlock = new org.springframework.dao.CannotAcquireLockException("deadlock", new SQLException("deadlock detected", "40P01"));
        assertThat(DatabaseUnavailable.causedBy(deadlock)).isFalse();
        assertThat(DatabaseUnavailable.orTransient(deadlock)).isTrue();
        assertThat(DatabaseUnavailable.orTransient(new CannotCreateTransactionException("no connection"))).isTrue();
    }

    @Test
    void aBadStatementOrRowIsNot() {
        assertThat(DatabaseUnavailable.causedBy(new DataIntegrityViolationException("duplicate key"))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(new SQLException("invalid byte sequence", "22021"))).isFalse();
        assertThat(DatabaseUnavailable.causedBy(null)).isFalse();
        assertThat(DatabaseUnavailable.orTransient(new DataIntegrityViolationException("duplicate key"))).isFalse();
    }
}
