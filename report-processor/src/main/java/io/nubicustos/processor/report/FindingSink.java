package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;

/** Where a parser hands each finding as soon as it has read it (parsers never hold a whole report). */
@FunctionalInterface
public interface FindingSink {
    void accept(Finding finding);
}
