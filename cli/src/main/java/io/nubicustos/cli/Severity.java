package io.nubicustos.cli;

import java.util.List;
import java.util.Locale;

/** The API's severities, most severe first, and {@code none}: a threshold nothing reaches. */
enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO, NONE;

    static final List<Severity> FOUND = List.of(CRITICAL, HIGH, MEDIUM, LOW, INFO);

    static Severity parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "unknown severity '" + value + "'; use critical, high, medium, low, info or none");
        }
    }

    String api() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The severities at or above this one. */
    List<Severity> andAbove() {
        if (this == NONE) {
            return List.of();
        }
        return FOUND.stream().filter(s -> s.ordinal() <= ordinal()).toList();
    }
}
