package io.nubicustos.model.scan;

import io.nubicustos.model.catalog.ScopeOptions;
import io.nubicustos.model.catalog.ToolDefinition;

import java.util.ArrayList;
import java.util.List;

/**
 * A request's scope as one tool's arguments, through the tool's {@code scope_options}: what it can take is passed with
 * its own flags (replacing the profile's options for the same flag, as a requested severity filter does), and what it
 * cannot take is said, one sentence per part, for the dry run.
 */
public final class ScopeArguments {

    /** Most specific first: for a tool that takes only one of these, the most specific given wins. */
    private static final List<String> EXCLUSIVE_ORDER = List.of("checks", "services", "frameworks");

    /** @param options   the profile's options for the tool, without the flags the scope replaces
     *  @param arguments the scope's arguments, to append
     *  @param notHonoured what the tool cannot take, said */
    public record Applied(List<String> options, List<String> arguments, List<String> notHonoured) {
    }

    private ScopeArguments() {
    }

    public static Applied apply(ToolDefinition tool, ScanScope scope, List<String> profileOptions) {
        List<String> options = new ArrayList<>(profileOptions);
        List<String> arguments = new ArrayList<>();
        List<String> notHonoured = new ArrayList<>();
        ScopeOptions scopeOptions = tool.scopeOptions();
        String chosen = null;
        if (scopeOptions.exclusive()) {
            chosen = EXCLUSIVE_ORDER.stream().filter(d -> !scope.of(d).isEmpty() && scopeOptions.of(d) != null).findFirst().orElse(null);
        }
        for (String dimension : ScanScope.DIMENSIONS) {
            List<String> values = scope.of(dimension);
            if (values.isEmpty()) {
                continue;
            }
            ScopeOptions.ScopeFlag flag = scopeOptions.of(dimension);
            if (flag == null) {
                notHonoured.add(tool.name() + " cannot be limited to " + dimension + ": it scans them all");
                continue;
            }
            if (chosen != null && EXCLUSIVE_ORDER.contains(dimension) && !dimension.equals(chosen)) {
                notHonoured.add(tool.name() + " takes one of checks, services and frameworks at a time: " + chosen
                        + " are passed, " + dimension + " are not");
                continue;
            }
            List<String> mapped = new ArrayList<>();
            for (String value : values) {
                if (flag.values() == null) {
                    mapped.add(value);
                } else if (flag.values().containsKey(value)) {
                    mapped.add(flag.values().get(value));
                } else {
                    notHonoured.add(tool.name() + " has no " + singular(dimension) + " '" + value + "' (it knows "
                            + String.join(", ", flag.values().keySet().stream().sorted().toList()) + ")");
                }
            }
            if (mapped.isEmpty()) {
                continue;
            }
            options = ScanPlanner.withoutFlag(options, flag.flag());
            switch (flag.style()) {
                case "repeat" -> mapped.forEach(v -> {
                    arguments.add(flag.flag());
                    arguments.add(v);
                });
                case "comma" -> {
                    arguments.add(flag.flag());
                    arguments.add(String.join(",", mapped));
                }
                case "one" -> {
                    arguments.add(flag.flag());
                    arguments.add(mapped.get(0));
                    if (mapped.size() > 1) {
                        notHonoured.add(tool.name() + " takes one " + singular(dimension) + " at a time: only '" + mapped.get(0)
                                + "' is passed");
                    }
                }
                default -> {
                    arguments.add(flag.flag());
                    arguments.addAll(mapped);
                }
            }
        }
        if (chosen != null) {
            // why: the profile's own choice from the same exclusive group (compliance-only's --compliance) would make the
            // tool refuse the whole command line
            for (String dimension : EXCLUSIVE_ORDER) {
                ScopeOptions.ScopeFlag flag = scopeOptions.of(dimension);
                if (flag != null && !dimension.equals(chosen)) {
                    options = ScanPlanner.withoutFlag(options, flag.flag());
                }
            }
        }
        return new Applied(List.copyOf(options), List.copyOf(arguments), List.copyOf(notHonoured));
    }

    private static String singular(String dimension) {
        return dimension.substring(0, dimension.length() - 1);
    }
}
