package io.nubicustos.model.finding;

import java.util.Locale;
import java.util.Optional;

/** The normalized severity vocabulary, most severe first. */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW, INFO;

    public String db() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a severity as users and tools spell it: {@code critical}, {@code High},
     * {@code informational}, {@code INFORMATIONAL}. Empty for anything else.
     */
    public static Optional<Severity> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "critical" -> Optional.of(CRITICAL);
            case "high" -> Optional.of(HIGH);
            case "medium" -> Optional.of(MEDIUM);
            case "low" -> Optional.of(LOW);
            case "info", "informational" -> Optional.of(INFO);
            default -> Optional.empty();
        };
    }
}
