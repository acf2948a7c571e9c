package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;

import java.util.List;
import java.util.Map;

/** Where a parser hands each finding as soon as it has read it (parsers never hold a whole report). */
@FunctionalInterface
public interface FindingSink {
    void accept(Finding finding);

    /**
     * A result that passed: not a finding, but evidence of what the tool evaluated. Parsers that see passing results
     * report them here: a step's coverage (results, checks, resources, regions) counts them, and they are kept per check
     * and resource, so that a tool passing what another fails shows (consensus) and a requirement can pass (compliance).
     * A null resource means the check passed on everything it evaluated.
     */
    default void passed(String checkId, String resourceId, String region, Map<String, List<String>> compliance) {
    }

    /** {@link #passed(String, String, String, Map)} of a result that names no compliance requirement. */
    default void passed(String checkId, String resourceId, String region) {
        passed(checkId, resourceId, region, Map.of());
    }

    /**
     * The sink could not store a finding (the database is down, say). It is not the report's fault: a
     * parser that turns its own failures into a {@link ReportException} lets this one through as it is.
     */
    final class StoreFailed extends RuntimeException {
        public StoreFailed(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }
}
