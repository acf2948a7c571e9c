package io.nubicustos.model.lifecycle;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One guarded change of status: the statement that makes it, the statuses its guard lets it leave and the statuses
 * it may set. Built only by the doors ({@code StepTransitions}, {@code ScanTransitions}, {@code DeliveryTransitions}),
 * which refuse, when their class loads, a move the lifecycle's transition table does not allow; the services execute
 * {@link #sql()} and never write a status-changing statement of their own.
 */
public record Transition(String name, String table, Set<String> from, Set<String> to, String sql) {

    public Transition {
        from = Collections.unmodifiableSet(new LinkedHashSet<>(from));
        to = Collections.unmodifiableSet(new LinkedHashSet<>(to));
    }

    /** The transition, after checking every move from {@code from} to {@code to} against the lifecycle's table. */
    public static <S extends Enum<S> & Lifecycle<S>> Transition of(String name, String table, Set<S> from, Set<S> to, String sql) {
        if (from.isEmpty() || to.isEmpty()) {
            throw new IllegalArgumentException(name + ": a transition leaves at least one status for at least one");
        }
        for (S source : from) {
            for (S target : to) {
                if (!source.canMoveTo(target)) {
                    throw new IllegalStateException(name + ": " + table + " " + source.db() + " -> " + target.db()
                            + " is not in the transition table");
                }
            }
        }
        return new Transition(name, table, names(from), names(to), StatusSql.expand(sql));
    }

    private static <S extends Enum<S> & Lifecycle<S>> Set<String> names(Set<S> statuses) {
        return statuses.stream().map(Lifecycle::db).collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
