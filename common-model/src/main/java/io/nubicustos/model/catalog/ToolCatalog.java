package io.nubicustos.model.catalog;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools Nubicustos can run and the profiles that group them, read from a YAML data file.
 * The built-in file is {@code nubicustos/catalog.yaml} on the classpath; an operator's own file
 * replaces it whole (see {@link #load(Path)}), and an overlay changes it field by field (see {@link #load(String, String)}).
 */
public final class ToolCatalog {

    public static final String BUILT_IN = "nubicustos/catalog.yaml";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Map<String, ToolDefinition> tools;
    private final Map<String, ScanProfile> profiles;

    private ToolCatalog(Map<String, ToolDefinition> tools, Map<String, ScanProfile> profiles) {
        this.tools = Collections.unmodifiableMap(tools);
        this.profiles = Collections.unmodifiableMap(profiles);
    }

    /** The catalog shipped with common-model. */
    public static ToolCatalog builtIn() {
        try (InputStream in = ToolCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new CatalogException("built-in catalog " + BUILT_IN + " is missing from the classpath");
            }
            return read(in, "classpath:" + BUILT_IN);
        } catch (IOException e) {
            throw new CatalogException("cannot read built-in catalog: " + e.getMessage(), e);
        }
    }

    /** An operator's catalog file, which replaces the built-in one whole. */
    public static ToolCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new CatalogException("cannot read catalog file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The operator's file when one is given, else the built-in catalog. */
    public static ToolCatalog loadOrBuiltIn(String file) {
        return load(file, null);
    }

    /**
     * The operator's file when one is given, else the built-in catalog, with {@code overlay} (when given) laid over
     * it: a YAML file of the same shape whose maps are merged key by key into the catalog's and whose other values
     * (lists, text, numbers) replace the catalog's. {@code tools: {prowler: {image: my/prowler:4.2.4}}} changes one
     * image and nothing else; a tool or profile the catalog lacks is added. Several overlays, separated by commas, are
     * laid in their order (the stand-ins' images, then an operator's added tools). The result is validated as a whole.
     */
    public static ToolCatalog load(String file, String overlay) {
        boolean own = file != null && !file.isBlank();
        String origin = own ? file : "classpath:" + BUILT_IN;
        JsonNode tree = own ? tree(Path.of(file)) : builtInTree();
        if (overlay != null && !overlay.isBlank()) {
            for (String one : overlay.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                JsonNode layer = tree(Path.of(one.strip()));
                if (!(layer instanceof ObjectNode) || !(tree instanceof ObjectNode base)) {
                    throw new CatalogException("catalog overlay " + one.strip() + " is not a YAML map of the catalog's shape");
                }
                merge(base, (ObjectNode) layer);
                origin = origin + " with overlay " + one.strip();
            }
        }
        return read(tree, origin);
    }

    private static JsonNode builtInTree() {
        try (InputStream in = ToolCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new CatalogException("built-in catalog " + BUILT_IN + " is missing from the classpath");
            }
            return YAML.readTree(in);
        } catch (IOException | JacksonException e) {
            throw new CatalogException("cannot read built-in catalog: " + e.getMessage(), e);
        }
    }

    private static JsonNode tree(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new CatalogException("cannot read catalog file " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new CatalogException("catalog " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Maps merge key by key; anything else in the overlay replaces what the base has. */
    private static void merge(ObjectNode base, ObjectNode overlay) {
        for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
            JsonNode mine = base.get(entry.getKey());
            if (mine instanceof ObjectNode mineObject && entry.getValue() instanceof ObjectNode theirs) {
                merge(mineObject, theirs);
            } else {
                base.set(entry.getKey(), entry.getValue());
            }
        }
    }

    static ToolCatalog read(InputStream in, String origin) {
        JsonNode tree;
        try {
            tree = YAML.readTree(in);
        } catch (JacksonException e) {
            throw new CatalogException("catalog " + origin + " is not valid: " + e.getOriginalMessage(), e);
        }
        return read(tree, origin);
    }

    private static ToolCatalog read(JsonNode tree, String origin) {
        CatalogFile file;
        try {
            file = tree == null || tree.isMissingNode() || tree.isNull() ? null : YAML.treeToValue(tree, CatalogFile.class);
        } catch (JacksonException e) {
            throw new CatalogException("catalog " + origin + " is not valid: " + e.getOriginalMessage(), e);
        }
        if (file == null || file.tools() == null || file.profiles() == null) {
            throw new CatalogException("catalog " + origin + " needs both 'tools' and 'profiles'");
        }
        Map<String, ToolDefinition> tools = new LinkedHashMap<>();
        file.tools().forEach((key, tool) -> {
            ToolDefinition named = tool.withName(key);
            named.validate();
            requireSafe(named, List.of(), "tool '" + key + "'");
            tools.put(key, named);
        });
        Map<String, ScanProfile> profiles = new LinkedHashMap<>();
        file.profiles().forEach((key, profile) -> {
            ScanProfile named = profile.withName(key);
            if (named.tools().isEmpty()) {
                throw new CatalogException("profile '" + key + "' has no tools");
            }
            for (String tool : named.tools()) {
                if (!tools.containsKey(tool)) {
                    throw new CatalogException("profile '" + key + "' names unknown tool '" + tool + "'");
                }
            }
            named.toolLimits().forEach((tool, limits) -> {
                try {
                    limits.validate("tool_limits." + tool);
                } catch (IllegalArgumentException e) {
                    throw new CatalogException("profile '" + key + "': " + e.getMessage());
                }
            });
            if (named.maxParallel() != null && named.maxParallel() < 1) {
                throw new CatalogException("profile '" + key + "': max_parallel must be at least 1");
            }
            for (String tool : named.toolOptions().keySet()) {
                if (!named.tools().contains(tool)) {
                    throw new CatalogException("profile '" + key + "' has options for '" + tool + "', which it does not run");
                }
            }
            for (String tool : named.tools()) {
                requireSafe(tools.get(tool), named.toolOptions().getOrDefault(tool, List.of()), "profile '" + key + "'");
            }
            profiles.put(key, named);
        });
        return new ToolCatalog(tools, profiles);
    }

    /** A Pacu step runs only modules that read, whoever wrote the catalog (see {@link PacuModules}). */
    private static void requireSafe(ToolDefinition tool, List<String> options, String where) {
        if (!PacuModules.REPORT_FORMAT.equals(tool.reportFormat())) {
            return;
        }
        List<String> argv = new java.util.ArrayList<>(tool.defaultCommand());
        argv.addAll(options);
        List<String> unsafe = PacuModules.unsafe(argv);
        if (!unsafe.isEmpty()) {
            throw new CatalogException(where + ": " + String.join("; ", unsafe));
        }
    }

    public Optional<ToolDefinition> tool(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /** The tool, which must exist: callers hold a name that came from this catalog. */
    public ToolDefinition requireTool(String name) {
        return tool(name).orElseThrow(() -> new CatalogException("tool '" + name + "' is not in the catalog"));
    }

    /**
     * A tool's limits in a profile: the catalog's, replaced value by value by the profile's {@code tool_limits}. The
     * most a request may ask for: its own limits can only tighten these.
     */
    public ResourceLimits limits(ScanProfile profile, String tool) {
        return requireTool(tool).limits().overriddenBy(profile.limitsFor(tool));
    }

    /** Checks that a request's limits only tighten every one of the profile's tools' {@link #limits}. */
    public void requireWithinLimits(ScanProfile profile, ResourceLimits request) {
        for (String tool : profile.tools()) {
            request.requireWithin(limits(profile, tool), "limits", tool);
        }
    }

    public Optional<ScanProfile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    public List<ScanProfile> profiles() {
        return List.copyOf(profiles.values());
    }

    public List<ToolDefinition> tools() {
        return List.copyOf(tools.values());
    }

    /** The file's shape; Jackson keeps the maps' order, which is the order tools are listed and run. */
    record CatalogFile(Map<String, ToolDefinition> tools, Map<String, ScanProfile> profiles) {
    }
}
