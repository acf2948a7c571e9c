package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;

/** Where a parser hands each finding as soon as it has read it (parsers never hold a whole report). */
@FunctionalInterface
public interface FindingSink {
    void accept(Finding finding);

    /**
     * A result that passed: not a finding, but evidence of what the tool evaluated. Parsers that see passing results
     * report them here, so a step's coverage (results, checks, resources, regions) counts them; nothing is stored.
     */
    default void passed(String checkId, String resourceId, String region) {
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
