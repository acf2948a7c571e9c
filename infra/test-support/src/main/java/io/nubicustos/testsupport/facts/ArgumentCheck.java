package io.nubicustos.testsupport.facts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The shell (busybox {@code sh}) a strict stand-in runs first: it refuses its arguments as the real tool's parser
 * would, from the tool's fact sheet: an unknown flag, a flag without its value, or a value outside the flag's choices
 * ends the stand-in with the tool's usage exit code and an argparse-style message on stderr, before any report is
 * written. The flags are those of every command path of the tool, so the check is looser than the tool about which
 * path a flag belongs to; {@link CommandLine} holds the catalog to the paths.
 */
public final class ArgumentCheck {

    private ArgumentCheck() {
    }

    public static String script(ToolFacts facts) {
        Map<String, ToolFacts.Flag> flags = new LinkedHashMap<>();
        for (ToolFacts.Command command : facts.commands().values()) {
            command.flags().forEach(flags::putIfAbsent);
        }
        String prog = inert(facts.tool());
        StringBuilder sh = new StringBuilder()
                .append("usage() { $B echo \"usage: ").append(prog).append(" [options]\" >&2; $B echo \"").append(prog)
                .append(": error: $1\" >&2; exit ").append(usageExitCode(facts)).append("; }\n")
                .append("while [ $# -gt 0 ]; do\n")
                .append("  arg=\"$1\"; inline=''; name=\"$arg\"\n")
                .append("  case \"$arg\" in --*=*) name=\"${arg%%=*}\"; inline=\"${arg#*=}\";; esac\n")
                .append("  case \"$name\" in\n");
        Map<ToolFacts.Flag, List<String>> names = new LinkedHashMap<>();
        flags.forEach((name, flag) -> names.computeIfAbsent(flag, f -> new java.util.ArrayList<>()).add(name));
        for (Map.Entry<ToolFacts.Flag, List<String>> entry : names.entrySet()) {
            ToolFacts.Flag flag = entry.getKey();
            sh.append("    ").append(entry.getValue().stream().map(ArgumentCheck::quote).collect(Collectors.joining("|"))).append(")\n");
            String label = inert("argument " + String.join("/", entry.getValue()));
            switch (flag.value()) {
                case "none" -> sh.append("      [ -z \"$inline\" ] || usage \"").append(label).append(": ignored explicit argument\"; shift;;\n");
                case "many" -> sh.append("      shift; n=0\n")
                        .append("      if [ -n \"$inline\" ]; then ").append(choiceCheck(flag, label, "$inline")).append("; n=1; fi\n")
                        .append("      while [ -z \"$inline\" ] && [ $# -gt 0 ]; do case \"$1\" in -?*) break;; esac; ")
                        .append(choiceCheck(flag, label, "$1")).append("; n=$((n+1)); shift; done\n")
                        .append("      [ $n -gt 0 ] || usage \"").append(label).append(": expected at least one argument\";;\n");
                default -> sh.append("      if [ -n \"$inline\" ]; then v=\"$inline\"; shift; else [ $# -ge 2 ] || usage \"").append(label)
                        .append(": expected one argument\"; v=\"$2\"; shift 2; fi\n")
                        .append("      ").append(choiceCheck(flag, label, "$v")).append(variableCheck(flag)).append(";;\n");
            }
        }
        sh.append("    -?*) usage \"unrecognized arguments: $arg\";;\n")
                .append("    *) shift;;\n")
                .append("  esac\n")
                .append("done\n");
        return sh.toString();
    }

    private static String choiceCheck(ToolFacts.Flag flag, String label, String value) {
        if (flag.choices().isEmpty()) {
            return ":";
        }
        String choices = flag.choices().stream().map(ArgumentCheck::quote).collect(Collectors.joining("|"));
        String shown = inert(flag.choices().stream().map(c -> "'" + c.replace("'", "") + "'").collect(Collectors.joining(", ")));
        return "case \"" + value + "\" in " + choices + ") ;; *) usage \"" + label + ": invalid choice: '" + value + "' (choose from "
                + shown.replace("\"", "") + ")\";; esac";
    }

    /**
     * For a flag whose value names an environment variable the tool reads (Cartography's {@code --neo4j-password-env-var}):
     * the stand-in fails as the tool does when that variable is empty, with the line the sheet gives ({@code names_variable}).
     */
    private static String variableCheck(ToolFacts.Flag flag) {
        if (flag.namesVariable() == null) {
            return "";
        }
        return "; case \"$v\" in ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) pv='';; *) eval \"pv=\\${$v:-}\";; esac"
                + "; [ -n \"$pv\" ] || { $B echo \"" + inert(flag.namesVariable()) + "\" >&2; exit 1; }";
    }

    /** The exit code the tool's parser ends with on a usage error: the sheet's code whose meaning says usage, else argparse's 2. */
    static int usageExitCode(ToolFacts facts) {
        return facts.exitCodes().entrySet().stream()
                .filter(e -> e.getValue() != null && e.getValue().toLowerCase().contains("usage"))
                .map(Map.Entry::getKey).findFirst().orElse(2);
    }

    /** Text that sits inside double quotes of the script: nothing in it is expanded. */
    private static String inert(String text) {
        return text.replaceAll("[$`\\\\\"]", "");
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "") + "'";
    }
}
