package io.nubicustos.testsupport.facts;

import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.catalog.ScopeOptions;
import io.nubicustos.model.scan.ScanScope;
import io.nubicustos.model.scan.ScopeArguments;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * A catalog held to the tools' fact sheets: every tool runs an image its project publishes under a tag it publishes
 * (or one we make, with the folder that says how), with only flags and choices its parser accepts, without repeating
 * its entrypoint, with credentials where its own user can read them, and keeping the stream it logs on when its log is
 * its report. Each violation names the tool and what is wrong.
 */
public final class CatalogContract {

    private CatalogContract() {
    }

    /** @param repository the repository's root, where {@code image_source} folders are looked up */
    public static List<String> violations(ToolCatalog catalog, Path repository) {
        List<String> out = new ArrayList<>();
        for (ToolDefinition tool : catalog.tools()) {
            ToolFacts facts = ToolFacts.of(tool.name()).orElse(null);
            if (facts == null) {
                out.add(tool.name() + ": no fact sheet (tool-facts/" + tool.name() + ".yaml)");
                continue;
            }
            for (String problem : violations(catalog, tool, facts, repository)) {
                out.add(tool.name() + ": " + problem);
            }
        }
        return out;
    }

    private static List<String> violations(ToolCatalog catalog, ToolDefinition tool, ToolFacts facts, Path repository) {
        List<String> out = new ArrayList<>();
        image(tool, facts, repository, out);
        entrypoint(tool, facts, out);
        for (List<String> argv : commandLines(catalog, tool)) {
            for (String problem : CommandLine.problems(facts, argv)) {
                out.add(problem + " in " + String.join(" ", argv));
            }
        }
        credentials(tool, facts, out);
        passedVariables(catalog, tool, facts, out);
        List<String> known = facts.failureLines().stream().map(line -> line.startsWith("^") ? line.substring(1) : line).toList();
        for (String line : tool.failureLines()) {
            if (!known.contains(line)) {
                out.add("failure line '" + line + "' is not one the fact sheet records the tool printing");
            }
        }
        // why: a tool whose log is its report (no results of its own on stdout) must have its stderr kept
        boolean resultsOnStdout = !facts.raw().path("stdout").isMissingNode();
        if ("stderr".equals(facts.logStream()) && !resultsOnStdout && tool.stdoutReport() != null && !tool.reportStreams().contains("stderr")) {
            out.add("logs on stderr but its report " + tool.stdoutReport() + " keeps stdout only (report_streams)");
        }
        return out;
    }

    private static void image(ToolDefinition tool, ToolFacts facts, Path repository, List<String> out) {
        int colon = tool.image().lastIndexOf(':');
        boolean tagged = colon > tool.image().lastIndexOf('/');
        String name = tagged ? tool.image().substring(0, colon) : tool.image();
        String tag = tagged ? tool.image().substring(colon + 1) : "latest";
        if (!name.equals(facts.image().name())) {
            out.add("image " + tool.image() + " is not " + facts.image().name() + ", the image the fact sheet describes");
        }
        if ("upstream".equals(facts.image().builtBy())) {
            if (facts.image().tagPattern() == null || !tag.matches(facts.image().tagPattern())) {
                out.add("tag " + tag + " is not one the project publishes (" + facts.image().tagPattern() + ")");
            } else if (facts.image().publishedFrom() != null && tag.matches("\\d+(\\.\\d+)*")
                    && compareVersions(tag, facts.image().publishedFrom()) < 0) {
                out.add("tag " + tag + " is not one the project publishes (version tags begin with " + facts.image().publishedFrom() + ")");
            }
        } else if (tool.imageSource() == null) {
            out.add("image " + tool.image() + " is one we make, but the catalog names no image_source");
        }
        if (tool.imageSource() != null && !Files.isRegularFile(repository.resolve(tool.imageSource()).resolve("README.md"))) {
            out.add("image_source " + tool.imageSource() + " has no README.md saying how the image is made");
        }
    }

    private static void entrypoint(ToolDefinition tool, ToolFacts facts, List<String> out) {
        List<String> entrypoint = tool.entrypoint() != null ? tool.entrypoint() : facts.image().entrypoint();
        if (entrypoint.isEmpty() || tool.defaultCommand().isEmpty()) {
            return;
        }
        String program = Path.of(entrypoint.get(entrypoint.size() - 1)).getFileName().toString();
        String first = tool.defaultCommand().get(0);
        if (first.equalsIgnoreCase(program) || first.equalsIgnoreCase(Path.of(entrypoint.get(0)).getFileName().toString())) {
            out.add("the command repeats the entrypoint " + entrypoint + " (it would run " + String.join(" ", entrypoint) + " "
                    + String.join(" ", tool.defaultCommand()) + ")");
        }
    }

    /** A flag naming the variable a secret is read from (a password) must name one the worker passes: else it always fails. */
    private static void passedVariables(ToolCatalog catalog, ToolDefinition tool, ToolFacts facts, List<String> out) {
        for (List<String> argv : commandLines(catalog, tool)) {
            for (int i = 0; i + 1 < argv.size(); i++) {
                String flag = argv.get(i);
                ToolFacts.Flag named = facts.commands().values().stream().map(c -> c.flags().get(flag)).filter(java.util.Objects::nonNull)
                        .filter(f -> f.namesVariable() != null).findFirst().orElse(null);
                if (named != null && !tool.passedEnvironment().contains(argv.get(i + 1))) {
                    out.add(flag + " " + argv.get(i + 1) + " names a variable the container never has (passed_environment: "
                            + tool.passedEnvironment() + ")");
                    return;
                }
            }
        }
    }

    private static void credentials(ToolDefinition tool, ToolFacts facts, List<String> out) {
        int uid = facts.image().uid();
        String home = facts.image().home();
        String mount = tool.credentials() == null ? null : tool.credentials().mount();
        if (mount != null && uid != 0 && (mount.equals("/root") || mount.startsWith("/root/"))) {
            out.add("credentials are mounted at " + mount + ", which uid " + uid + " cannot reach (/root is root's)");
        }
        for (String variable : List.of("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "KUBECONFIG")) {
            String path = tool.environment().get(variable);
            if (path != null && (mount == null || !path.startsWith(mount + "/"))) {
                out.add(variable + "=" + path + " is not under the credentials mount " + mount);
            }
        }
        String homeSet = tool.environment().get("HOME");
        if (homeSet != null && !homeSet.equals(home)) {
            out.add("HOME=" + homeSet + " is not the image user's home " + home);
        }
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int diff = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (diff != 0) {
                return diff;
            }
        }
        return 0;
    }

    /** The argument lists the catalog can give the tool: its command alone, with each profile's options, with a severity filter. */
    static List<List<String>> commandLines(ToolCatalog catalog, ToolDefinition tool) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(tool.defaultCommand());
        for (ScanProfile profile : catalog.profiles()) {
            List<String> options = profile.toolOptions().get(tool.name());
            if (options != null && !options.isEmpty()) {
                List<String> line = new ArrayList<>(tool.defaultCommand());
                line.addAll(options);
                lines.add(line);
            }
        }
        if (tool.severityOption() != null) {
            List<String> line = new ArrayList<>(tool.defaultCommand());
            line.add(tool.severityOption().flag());
            line.addAll(tool.severityOption().values().values());
            lines.add(line);
        }
        // each part of a scope the tool takes, as the planner passes it: every value it maps, or two placeholders
        for (String dimension : ScanScope.DIMENSIONS) {
            ScopeOptions.ScopeFlag flag = tool.scopeOptions().of(dimension);
            if (flag == null) {
                continue;
            }
            List<String> values = flag.values() == null ? List.of("{" + dimension + "-1}", "{" + dimension + "-2}")
                    : List.copyOf(flag.values().keySet());
            Map<String, List<String>> parts = new java.util.HashMap<>();
            ScanScope.DIMENSIONS.forEach(d -> parts.put(d, d.equals(dimension) ? values : List.of()));
            ScanScope scope = new ScanScope(parts.get("regions"), parts.get("services"), parts.get("checks"), parts.get("frameworks"));
            ScopeArguments.Applied applied = ScopeArguments.apply(tool, scope, List.of());
            List<String> line = new ArrayList<>(tool.defaultCommand());
            line.addAll(applied.arguments());
            lines.add(line);
        }
        return lines;
    }

    /** The repository's root, from a module's working directory. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("infra/images"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the repository (no infra/images above " + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

}
