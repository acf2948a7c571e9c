package io.nubicustos.testsupport.facts;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a tool is, read from its own source at the release the catalog pins: one fact sheet per tool under
 * {@code tool-facts/} (format: {@code tool-facts/README.md}), each fact with the file and line it came from. The
 * contract test holds the catalog to these facts and the strict stand-ins are generated from them.
 */
public record ToolFacts(String tool, String repository, String tag, String commit, Image image, String logStream,
                        Map<Integer, String> exitCodes, List<String> failureLines, Map<String, Command> commands, JsonNode raw) {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** @param builtBy {@code upstream} (a registry publishes it) or {@code us} (an image_source folder says how it is made) */
    /** @param publishedFrom the first release published under a version tag, when earlier ones were not (null: all were) */
    public record Image(String name, String builtBy, String tagPattern, String publishedFrom, List<String> entrypoint, int uid, String home) {
    }

    /** A flag: how many values it takes ({@code none}, {@code one}, {@code many}), and which, when the tool restricts them. */
    public record Flag(String name, String value, List<String> choices, List<String> itemChoices, String listSeparator,
                       String namesVariable) {
        public int minValues() {
            return "none".equals(value) ? 0 : 1;
        }
    }

    /**
     * A command path ({@code ""}, {@code aws}, {@code scan framework}) and what it accepts: its flags by every name and
     * alias, and how many positional arguments follow its words (with their choices, when restricted).
     */
    public record Command(String path, Map<String, Flag> flags, int minPositionals, int maxPositionals, List<String> positionalChoices) {
        public List<String> words() {
            return path.isEmpty() ? List.of() : List.of(path.split(" "));
        }
    }

    /** The sheet of {@code tool}, if there is one. */
    public static Optional<ToolFacts> of(String tool) {
        try (InputStream in = ToolFacts.class.getClassLoader().getResourceAsStream("tool-facts/" + tool + ".yaml")) {
            return in == null ? Optional.empty() : Optional.of(read(tool, YAML.readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fact sheet of " + tool, e);
        }
    }

    public static ToolFacts require(String tool) {
        return of(tool).orElseThrow(() -> new IllegalStateException("no fact sheet tool-facts/" + tool + ".yaml"));
    }

    private static ToolFacts read(String tool, JsonNode sheet) {
        JsonNode image = sheet.path("image");
        Image img = new Image(text(image, "name"), text(image, "built_by"), text(image, "tag_pattern"), text(image, "published_from"), strings(image.path("entrypoint")),
                image.path("uid").asInt(-1), text(image, "home"));
        Map<Integer, String> exits = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : sheet.path("exit_codes").properties()) {
            if (e.getKey().matches("\\d+")) {
                exits.put(Integer.parseInt(e.getKey()), e.getValue().asString());
            }
        }
        List<String> failures = new ArrayList<>();
        for (JsonNode line : sheet.path("failure_lines")) {
            failures.add(line.isObject() ? text(line, "pattern") : line.asString());
        }
        Map<String, Command> commands = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : sheet.path("commands").properties()) {
            commands.put(e.getKey(), command(e.getKey(), e.getValue()));
        }
        return new ToolFacts(tool, text(sheet, "repository"), text(sheet, "tag"), text(sheet, "commit"), img,
                text(sheet.path("logs"), "stream"), exits, failures, commands, sheet);
    }

    private static Command command(String path, JsonNode node) {
        Map<String, Flag> flags = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.path("flags").properties()) {
            JsonNode f = e.getValue();
            Flag flag = new Flag(e.getKey(), f.path("value").asString("one"), strings(f.path("choices")), strings(f.path("item_choices")),
                    f.path("list_separator").asString(","), f.path("names_variable").isMissingNode() ? null : f.path("names_variable").asString());
            flags.put(e.getKey(), flag);
            for (String alias : strings(f.path("aliases"))) {
                flags.put(alias, flag);
            }
        }
        int min = 0;
        int max = 0;
        List<String> choices = List.of();
        for (JsonNode positional : node.path("positionals")) {
            String nargs = positional.path("nargs").asString("1");
            switch (nargs) {
                case "*" -> max = Integer.MAX_VALUE;
                case "+" -> { min += 1; max = Integer.MAX_VALUE; }
                case "?" -> max = max == Integer.MAX_VALUE ? max : max + 1;
                default -> { int n = Integer.parseInt(nargs); min += n; max = max == Integer.MAX_VALUE ? max : max + n; }
            }
        }
        JsonNode args = node.path("args");
        if (!args.isMissingNode()) {
            min += 1;
            max = "many".equals(args.path("value").asString()) ? Integer.MAX_VALUE : max + 1;
            choices = strings(args.path("choices"));
        }
        return new Command(path, flags, min, max, choices);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            out.add(item.asString());
        }
        return out;
    }
}
