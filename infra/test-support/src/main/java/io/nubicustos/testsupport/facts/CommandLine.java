package io.nubicustos.testsupport.facts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads an argument list the way the tool's own parser would, from its fact sheet: which command path it names,
 * whether every flag exists there, gets the values it needs and only values it accepts. Placeholders the planner
 * fills in ({@code {aws_profile}}, {@code {scan_id}}) are taken as valid values. Flags may come before, between or after
 * the command's words, as cobra allows; argparse is stricter (a subcommand's flags after its word), which our catalog
 * follows anyway.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /** What is wrong with {@code argv} for this tool; empty when its parser would accept it. */
    public static List<String> problems(ToolFacts facts, List<String> argv) {
        List<String> best = null;
        List<ToolFacts.Command> commands = new ArrayList<>(facts.commands().values());
        commands.sort(Comparator.comparingInt((ToolFacts.Command c) -> c.words().size()).reversed());
        for (ToolFacts.Command command : commands) {
            List<String> found = check(command, argv);
            if (found.isEmpty()) {
                return List.of();
            }
            if (best == null || found.size() < best.size()) {
                best = found;
            }
        }
        return best == null ? List.of("the fact sheet of " + facts.tool() + " lists no command") : best;
    }

    private static List<String> check(ToolFacts.Command command, List<String> argv) {
        List<String> problems = new ArrayList<>();
        String where = command.path().isEmpty() ? "" : " of '" + command.path() + "'";
        List<String> words = command.words();
        List<String> positionals = new ArrayList<>();
        int word = 0;
        int i = 0;
        while (i < argv.size()) {
            String token = argv.get(i);
            if (isFlag(token)) {
                String name = token;
                String inline = null;
                int eq = token.indexOf('=');
                if (token.startsWith("--") && eq > 0) {
                    name = token.substring(0, eq);
                    inline = token.substring(eq + 1);
                }
                ToolFacts.Flag flag = command.flags().get(name);
                i++;
                if (flag == null) {
                    problems.add("unknown flag " + name + where);
                    continue;
                }
                List<String> values = new ArrayList<>();
                if (inline != null) {
                    values.add(inline);
                } else if ("one".equals(flag.value())) {
                    if (i < argv.size()) {
                        values.add(argv.get(i++));
                    }
                } else if ("many".equals(flag.value())) {
                    while (i < argv.size() && !isFlag(argv.get(i))) {
                        values.add(argv.get(i++));
                    }
                }
                if (values.size() < flag.minValues()) {
                    problems.add("flag " + name + where + " needs a value");
                } else if ("none".equals(flag.value()) && inline != null) {
                    problems.add("flag " + name + where + " takes no value");
                }
                for (String value : values) {
                    problems.addAll(checkValue(flag, name + where, value));
                }
            } else {
                if (word < words.size()) {
                    if (!token.equals(words.get(word))) {
                        problems.add("'" + token + "' where the command word '" + words.get(word) + "' belongs");
                    }
                    word++;
                } else {
                    positionals.add(token);
                }
                i++;
            }
        }
        if (word < words.size()) {
            problems.add("the command '" + command.path() + "' is not named");
        }
        if (positionals.size() < command.minPositionals() || positionals.size() > command.maxPositionals()) {
            problems.add("unexpected arguments " + positionals + where + " (it takes " + command.minPositionals()
                    + (command.maxPositionals() == Integer.MAX_VALUE ? " or more" : " to " + command.maxPositionals()) + ")");
        } else if (!command.positionalChoices().isEmpty()) {
            for (String positional : positionals) {
                for (String item : positional.split(",")) {
                    if (!placeholder(item) && !command.positionalChoices().contains(item.toLowerCase())) {
                        problems.add("invalid choice '" + item + "'" + where + " (choose from " + command.positionalChoices() + ")");
                    }
                }
            }
        }
        return problems;
    }

    private static List<String> checkValue(ToolFacts.Flag flag, String what, String value) {
        if (placeholder(value)) {
            return List.of();
        }
        if (!flag.choices().isEmpty() && !flag.choices().contains(value)) {
            return List.of("invalid choice '" + value + "' for " + what + " (choose from " + flag.choices() + ")");
        }
        if (!flag.itemChoices().isEmpty()) {
            List<String> bad = new ArrayList<>();
            for (String item : value.split(java.util.regex.Pattern.quote(flag.listSeparator()))) {
                if (!flag.itemChoices().contains(item.strip())) {
                    bad.add("invalid item '" + item.strip() + "' for " + what + " (choose from " + flag.itemChoices() + ")");
                }
            }
            return bad;
        }
        return List.of();
    }

    private static boolean isFlag(String token) {
        return token.length() > 1 && token.startsWith("-") && !token.matches("-\\d+(\\.\\d+)?");
    }

    private static boolean placeholder(String value) {
        return value.startsWith("{") && value.endsWith("}");
    }
}
