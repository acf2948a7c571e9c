package io.nubicustos.model.catalog;

import java.util.List;
import java.util.Map;

/**
 * How a tool takes a request's scope (catalog {@code scope_options}), from its own flags, as {@code severity_option}
 * says how it takes a severity filter. A dimension without an entry is one the tool cannot honour.
 *
 * @param exclusive the tool refuses its services, checks and frameworks flags together (Prowler's parser makes them a
 *                  mutually exclusive group): the most specific one given is passed (checks, then services, then
 *                  frameworks) and the others are said to be not honoured
 */
public record ScopeOptions(ScopeFlag regions, ScopeFlag services, ScopeFlag checks, ScopeFlag frameworks, Boolean exclusive) {

    public static final ScopeOptions NONE = new ScopeOptions(null, null, null, null, false);
    /** The parts of a scope, most general first. */
    public static final List<String> DIMENSIONS = List.of("regions", "services", "checks", "frameworks");

    public ScopeOptions {
        exclusive = Boolean.TRUE.equals(exclusive);
    }

    public ScopeFlag of(String dimension) {
        return switch (dimension) {
            case "regions" -> regions;
            case "services" -> services;
            case "checks" -> checks;
            case "frameworks" -> frameworks;
            default -> throw new IllegalArgumentException("no scope dimension '" + dimension + "'");
        };
    }

    /**
     * One dimension's flag.
     *
     * @param flag   the flag, e.g. {@code --region}
     * @param style  {@code list} (the flag once, then every value), {@code repeat} (the flag before each value),
     *               {@code comma} (the flag once, the values joined by commas), {@code one} (the flag and the first value
     *               only: the tool takes one)
     * @param values when the tool names things its own way: the request's value to the tool's (e.g. ScoutSuite's ruleset
     *               {@code cis} is {@code cis-1.2.0}); a value not listed is not honoured. Absent: values pass as given
     */
    public record ScopeFlag(String flag, String style, Map<String, String> values) {
        public static final List<String> STYLES = List.of("list", "repeat", "comma", "one");

        public ScopeFlag {
            style = style == null ? "list" : style;
            values = values == null ? null : Map.copyOf(values);
        }
    }

    void validate(String tool) {
        for (String dimension : DIMENSIONS) {
            ScopeFlag flag = of(dimension);
            if (flag == null) {
                continue;
            }
            if (flag.flag() == null || !flag.flag().startsWith("-") || !ScopeFlag.STYLES.contains(flag.style())) {
                throw new CatalogException("tool '" + tool + "': scope_options." + dimension + " needs a flag and a style ("
                        + String.join(", ", ScopeFlag.STYLES) + ")");
            }
        }
    }

}
