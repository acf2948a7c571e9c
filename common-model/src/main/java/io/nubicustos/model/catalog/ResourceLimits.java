package io.nubicustos.model.catalog;

import org.jspecify.annotations.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Limits of a tool's container; any may be null (no limit at that level).
 *
 * @param memory  memory limit such as {@code 512m} or {@code 2g}
 * @param cpus    CPUs, such as {@code 1.5}
 * @param pids    maximum number of processes
 * @param timeout wall-clock limit such as {@code 90m}, {@code 2h} or {@code 45s}
 */
public record ResourceLimits(@Nullable String memory, @Nullable Double cpus, @Nullable Integer pids, @Nullable String timeout) {

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

    /** The largest memory limit that means anything on one host. */
    public static final long MAX_MEMORY_BYTES = 1024L * 1024 * 1024 * 1024;
    /** The smallest CPU share the engine can enforce without rounding it to "no limit". */
    public static final double MIN_CPUS = 0.01;
    public static final double MAX_CPUS = 256;
    public static final int MIN_PIDS = 16;
    public static final int MAX_PIDS = 1_000_000;
    /** A week: longer than any scan, and short enough that a stuck tool is noticed. */
    public static final long MAX_TIMEOUT_SECONDS = 7L * 24 * 3600;

    /** Checks every value; the exception names the one that is wrong, as {@code <where>.<field>}. */
    public void validate(String where) {
        if (memory != null) {
            Long bytes = bytes(memory);
            if (bytes == null || bytes < 6 * 1024 * 1024 || bytes > MAX_MEMORY_BYTES) {
                throw new InvalidLimit(where + ".memory", where + ".memory '" + memory
                        + "' must be a size from 6m to 1024g, such as 512m or 2g");
            }
        }
        if (cpus != null && (!Double.isFinite(cpus) || cpus < MIN_CPUS || cpus > MAX_CPUS)) {
            throw new InvalidLimit(where + ".cpus", where + ".cpus must be a number from " + MIN_CPUS + " to " + (int) MAX_CPUS);
        }
        if (pids != null && (pids < MIN_PIDS || pids > MAX_PIDS)) {
            throw new InvalidLimit(where + ".pids", where + ".pids must be between " + MIN_PIDS + " and " + MAX_PIDS);
        }
        if (timeout != null) {
            Long seconds = seconds(timeout);
            if (seconds == null || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
                throw new InvalidLimit(where + ".timeout", where + ".timeout '" + timeout
                        + "' must be a duration from 1s to 168h, such as 45s, 90m or 2h");
            }
        }
    }

    /**
     * Checks that these (a request's) limits only tighten {@code ceiling} (a tool's limits from the
     * catalog and the profile): each value set here must not exceed the ceiling's value, where it has one.
     */
    public void requireWithin(ResourceLimits ceiling, String where, String tool) {
        if (memory != null && ceiling.memory() != null && bytes(memory) > bytes(ceiling.memory())) {
            throw notAbove(where + ".memory", memory, tool, ceiling.memory());
        }
        if (cpus != null && ceiling.cpus() != null && cpus > ceiling.cpus()) {
            throw notAbove(where + ".cpus", cpus, tool, ceiling.cpus());
        }
        if (pids != null && ceiling.pids() != null && pids > ceiling.pids()) {
            throw notAbove(where + ".pids", pids, tool, ceiling.pids());
        }
        if (timeout != null && ceiling.timeout() != null && seconds(timeout) > seconds(ceiling.timeout())) {
            throw notAbove(where + ".timeout", timeout, tool, ceiling.timeout());
        }
    }

    private static InvalidLimit notAbove(String field, Object value, String tool, Object ceiling) {
        return new InvalidLimit(field, field + " " + value + " is above " + tool + "'s limit " + ceiling
                + ": a request can only tighten the catalog's and the profile's limits");
    }

    /** The CPU limit in billionths of a CPU, as the engine takes it; null for none. */
    @JsonProperty(access = JsonProperty.Access.READ_ONLY)
    public Long nanoCpus() {
        return cpus == null ? null : Math.round(cpus * 1_000_000_000d);
    }

    // why: compiled once; these run for every accepted scan's plan (String.matches compiles on every call)
    private static final Pattern SIZE = Pattern.compile("\\d{1,12}[kmg]?b?");
    private static final Pattern DURATION = Pattern.compile("\\d{1,9}[smh]");

    /** A size such as {@code 512m}; null if it is not one or does not fit in a long. */
    static Long bytes(String size) {
        String s = size.strip().toLowerCase(Locale.ROOT);
        if (!SIZE.matcher(s).matches()) {
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
        try {
            return Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    static Long seconds(String duration) {
        String s = duration.strip().toLowerCase(Locale.ROOT);
        if (!DURATION.matcher(s).matches()) {
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
