package io.nubicustos.model.catalog;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
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
 * replaces it whole (see {@link #load(Path)}).
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
        return file == null || file.isBlank() ? builtIn() : load(Path.of(file));
    }

    static ToolCatalog read(InputStream in, String origin) {
        CatalogFile file;
        try {
            file = YAML.readValue(in, CatalogFile.class);
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
            profiles.put(key, named);
        });
        return new ToolCatalog(tools, profiles);
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
