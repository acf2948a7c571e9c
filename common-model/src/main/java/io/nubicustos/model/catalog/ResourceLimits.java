package io.nubicustos.model.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/**
 * Limits of a tool's container; any may be null (no limit at that level).
 *
 * @param memory  memory limit such as {@code 512m} or {@code 2g}
 * @param cpus    CPUs, such as {@code 1.5}
 * @param pids    maximum number of processes
 * @param timeout wall-clock limit such as {@code 90m}, {@code 2h} or {@code 45s}
 */
public record ResourceLimits(String memory, Double cpus, Integer pids, String timeout) {

    public static final ResourceLimits NONE = new ResourceLimits(null, null, null, null);

    /** These limits, with each one {@code override} sets replacing ours. */
    public ResourceLimits overriddenBy(ResourceLimits override) {
        if (override == null) {
            return this;
        }
        return new ResourceLimits(override.memory != null ? override.memory : memory, override.cpus != null ? override.cpus : cpus,
                override.pids != null ? override.pids : pids, override.timeout != null ? override.timeout : timeout);
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public Long memoryBytes() {
        return memory == null ? null : bytes(memory);
    }

    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public Long timeoutSeconds() {
        return timeout == null ? null : seconds(timeout);
    }

    /** Checks every value; the message names the one that is wrong. */
    public void validate(String where) {
        if (memory != null && (bytes(memory) == null || bytes(memory) < 6 * 1024 * 1024)) {
            throw new IllegalArgumentException(where + ".memory '" + memory + "' must be a size of at least 6m, such as 512m or 2g");
        }
        if (cpus != null && (cpus <= 0 || cpus > 256)) {
            throw new IllegalArgumentException(where + ".cpus must be between 0 and 256");
        }
        if (pids != null && (pids < 16 || pids > 1_000_000)) {
            throw new IllegalArgumentException(where + ".pids must be between 16 and 1000000");
        }
        if (timeout != null && (seconds(timeout) == null || seconds(timeout) < 1)) {
            throw new IllegalArgumentException(where + ".timeout '" + timeout + "' must be a duration such as 45s, 90m or 2h");
        }
    }

    static Long bytes(String size) {
        String s = size.strip().toLowerCase(Locale.ROOT);
        if (!s.matches("\\d{1,12}[kmg]?b?")) {
            return null;
        }
        s = s.endsWith("b") ? s.substring(0, s.length() - 1) : s;
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        String digits = Character.isDigit(s.charAt(s.length() - 1)) ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    static Long seconds(String duration) {
        String s = duration.strip().toLowerCase(Locale.ROOT);
        if (!s.matches("\\d{1,9}[smh]")) {
            return null;
        }
        long value = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> value;
            case 'm' -> value * 60;
            default -> value * 3600;
        };
    }
}
