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
    private final Map<String, String> services;

    public ScanPlanner(ToolCatalog catalog) {
        this(catalog, Map.of());
    }

    /** @param services where the services tools may require are (a name such as {@code neo4j} to its address) */
    public ScanPlanner(ToolCatalog catalog, Map<String, String> services) {
        this.catalog = catalog;
        this.services = Map.copyOf(services);
    }

    /**
     * The profile's tools that cannot run here, with why: each requires a service nobody said where to find. They get no
     * step (a guaranteed failure is no scan result), and the dry run and the scan's {@code /errors} say so.
     */
    public Map<String, String> leftOut(ScanProfile profile) {
        Map<String, String> left = new LinkedHashMap<>();
        for (String toolName : profile.tools()) {
            String required = catalog.requireTool(toolName).requires();
            if (required != null && !services.containsKey(required)) {
                left.put(toolName, toolName + " was left out: it needs " + required + ", and none is configured (set nubicustos.tool-services."
                        + required + " on the API to its address)");
            }
        }
        return left;
    }

    public List<StepPlan> plan(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, UUID scanId) {
        return plan(profile, awsProfile, severityFilter, ResourceLimits.NONE, scanId);
    }

    /** As {@link #plan(ScanProfile, String, Set, UUID)}, with the request's limits overriding the profile's and the catalog's. */
    public List<StepPlan> plan(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, ResourceLimits requestLimits,
                               UUID scanId) {
        return plan(profile, awsProfile, severityFilter, requestLimits, ScanScope.NONE, scanId);
    }

    /**
     * As above, narrowed to the request's scope: each tool gets the parts it can take with its own flags
     * ({@link ScopeArguments}), and an AWS tool the first requested region as {@code AWS_DEFAULT_REGION}.
     */
    public List<StepPlan> plan(ScanProfile profile, String awsProfile, Set<Severity> severityFilter, ResourceLimits requestLimits,
                               ScanScope scope, UUID scanId) {
        List<StepPlan> steps = new ArrayList<>();
        Map<String, String> leftOut = leftOut(profile);
        for (String toolName : profile.tools()) {
            if (leftOut.containsKey(toolName)) {
                continue;
            }
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
            ScopeArguments.Applied scoped = ScopeArguments.apply(tool, scope, options);
            for (String option : scoped.options()) {
                command.add(substitute(option, awsProfile, scanId));
            }
            // why: request values are not substituted: a region named {aws_profile} is refused by the parser anyway
            command.addAll(scoped.arguments());
            Map<String, String> env = new LinkedHashMap<>(tool.environment());
            env.put("SCAN_ID", scanId.toString());
            env.put("AWS_PROFILE", awsProfile);
            if (!scope.regions().isEmpty() && tool.credentials() != null && "aws".equals(tool.credentials().kind())) {
                env.put("AWS_DEFAULT_REGION", scope.regions().get(0));
            }
            steps.add(new StepPlan(toolName, tool.image(), tool.containerNamePrefix(), List.copyOf(command),
                    tool.entrypoint(), tool.reportPath(), tool.credentials(), tool.network(), Map.copyOf(env),
                    tool.expectedExitCodes(), tool.namedVolumes(), tool.stdoutReport(), tool.reportFormat(),
                    catalog.limits(profile, toolName).overriddenBy(requestLimits), tool.reportStreams(),
                    tool.passedEnvironment(), tool.apiWeight()));
        }
        return List.copyOf(steps);
    }

    /** What each tool of the profile cannot take of the scope, by tool (tools that take all of it are left out). */
    public Map<String, List<String>> notHonoured(ScanProfile profile, ScanScope scope) {
        Map<String, List<String>> notes = new LinkedHashMap<>();
        Map<String, String> leftOut = leftOut(profile);
        for (String toolName : profile.tools()) {
            if (leftOut.containsKey(toolName)) {
                continue;
            }
            List<String> tool = ScopeArguments.apply(catalog.requireTool(toolName), scope, profile.optionsFor(toolName)).notHonoured();
            if (!tool.isEmpty()) {
                notes.put(toolName, tool);
            }
        }
        return notes;
    }

    private String substitute(String arg, String awsProfile, UUID scanId) {
        String out = arg.replace("{aws_profile}", awsProfile).replace("{scan_id}", scanId.toString());
        for (Map.Entry<String, String> service : services.entrySet()) {
            out = out.replace("{" + service.getKey() + "}", service.getValue());
        }
        return out;
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
