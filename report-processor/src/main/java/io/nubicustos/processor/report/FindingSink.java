package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;

/** Where a parser hands each finding as soon as it has read it (parsers never hold a whole report). */
@FunctionalInterface
public interface FindingSink {
    void accept(Finding finding);

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
