package io.nubicustos.model.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A named set of tools with per-tool options.
 *
 * @param name              the profile's key, e.g. {@code quick}
 * @param description       what the profile is for
 * @param durationEstimate  rough wall-clock time, for people
 * @param tools             the tools, in the catalog's order of preference
 * @param toolOptions       extra arguments per tool, appended to the tool's default command
 */
public record ScanProfile(
        String name,
        String description,
        @JsonProperty("duration_estimate") String durationEstimate,
        List<String> tools,
        @JsonProperty("tool_options") Map<String, List<String>> toolOptions) {

    public ScanProfile {
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolOptions = toolOptions == null ? Map.of() : Map.copyOf(toolOptions);
    }

    ScanProfile withName(String key) {
        return new ScanProfile(key, description, durationEstimate, tools, toolOptions);
    }

    public List<String> optionsFor(String tool) {
        return toolOptions.getOrDefault(tool, List.of());
    }
}
