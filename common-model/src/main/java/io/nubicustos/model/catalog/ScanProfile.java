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
 * @param toolLimits        per-tool limits replacing the catalog's (memory, cpus, pids, timeout)
 * @param maxParallel       how many of the scan's steps may run at once (null: no cap)
 */
public record ScanProfile(
        String name,
        String description,
        @JsonProperty("duration_estimate") String durationEstimate,
        List<String> tools,
        @JsonProperty("tool_options") Map<String, List<String>> toolOptions,
        @JsonProperty("tool_limits") Map<String, ResourceLimits> toolLimits,
        @JsonProperty("max_parallel") Integer maxParallel) {

    public ScanProfile {
        tools = tools == null ? List.of() : List.copyOf(tools);
        toolOptions = toolOptions == null ? Map.of() : Map.copyOf(toolOptions);
        toolLimits = toolLimits == null ? Map.of() : Map.copyOf(toolLimits);
    }

    ScanProfile withName(String key) {
        return new ScanProfile(key, description, durationEstimate, tools, toolOptions, toolLimits, maxParallel);
    }

    public ResourceLimits limitsFor(String tool) {
        return toolLimits.get(tool);
    }

    public List<String> optionsFor(String tool) {
        return toolOptions.getOrDefault(tool, List.of());
    }
}
