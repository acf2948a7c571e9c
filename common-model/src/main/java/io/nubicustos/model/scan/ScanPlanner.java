package io.nubicustos.model.scan;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.model.finding.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Turns a profile and a request into one {@link StepPlan} per tool. Pure: the same inputs always give
 * the same plan, which is what a dry run shows and what a real run executes.
 */
public final class ScanPlanner {

    private final ToolCatalog catalog;

    public ScanPlanner(ToolCatalog catalog) {
        this.catalog = catalog;
    }

    public List<StepPlan> plan(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, UUID scanId) {
        return plan(profile, awsProfile, severityFilter, ResourceLimits.NONE, scanId);
    }

    /** As {@link #plan(ScanProfile, String, Set, UUID)}, with the request's limits overriding the profile's and the catalog's. */
    public List<StepPlan> plan(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, ResourceLimits requestLimits,
                               UUID scanId) {
        List<StepPlan> steps = new ArrayList<>();
        for (String toolName : profile.tools()) {
            ToolDefinition tool = catalog.requireTool(toolName);
            List<String> command = new ArrayList<>();
            for (String arg : tool.defaultCommand()) {
                command.add(substitute(arg, awsProfile, scanId));
            }
            List<String> options = new ArrayList<>(profile.optionsFor(toolName));
            if (!severityFilter.isEmpty() && tool.severityOption() != null) {
                // why: the request's filter is more specific than the profile's, so it replaces it
                options = withoutFlag(options, tool.severityOption().flag());
                options.add(tool.severityOption().flag());
                for (Severity severity : new TreeSet<>(severityFilter)) {
                    String value = tool.severityOption().values().get(severity.db());
                    if (value != null) {
                        options.add(value);
                    }
                }
            }
            for (String option : options) {
                command.add(substitute(option, awsProfile, scanId));
            }
            Map<String, String> env = new LinkedHashMap<>(tool.environment());
            env.put("SCAN_ID", scanId.toString());
            env.put("AWS_PROFILE", awsProfile);
            steps.add(new StepPlan(toolName, tool.image(), tool.containerNamePrefix(), List.copyOf(command),
                    tool.entrypoint(), tool.reportPath(), tool.credentials(), tool.network(), Map.copyOf(env),
                    tool.expectedExitCodes(), tool.namedVolumes(), tool.stdoutReport(), tool.reportFormat(),
                    catalog.limits(profile, toolName).overriddenBy(requestLimits), tool.reportStreams()));
        }
        return List.copyOf(steps);
    }

    private static String substitute(String arg, String awsProfile, UUID scanId) {
        return arg.replace("{aws_profile}", awsProfile).replace("{scan_id}", scanId.toString());
    }

    /** Removes {@code flag} and the values that follow it (up to the next option). */
    static List<String> withoutFlag(List<String> options, String flag) {
        List<String> kept = new ArrayList<>();
        boolean skipping = false;
        for (String option : options) {
            if (option.equals(flag)) {
                skipping = true;
                continue;
            }
            if (skipping && !option.startsWith("-")) {
                continue;
            }
            skipping = false;
            kept.add(option);
        }
        return kept;
    }
}
