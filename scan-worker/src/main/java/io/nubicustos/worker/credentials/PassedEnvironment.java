package io.nubicustos.worker.credentials;

import io.nubicustos.model.catalog.PassedVariables;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.StepFailure;
import io.nubicustos.worker.system.WorkerIdentity;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The values of the variables a step's plan passes by name from this worker's environment (e.g. Cartography's
 * {@code NEO4J_PASSWORD}): read when the container is made, never stored, and redacted from what the tool prints.
 * A name the catalog may not pass is refused here too, whatever plan arrives (plans are data in the database).
 */
@Component
public class PassedEnvironment {

    private final UnaryOperator<String> lookup;
    private final String workerId;
    private final java.util.Set<String> allowed;

    /**
     * @param allowed the names this worker passes at all ({@code nubicustos.worker.passed-environment}): a catalog, an
     *                operator's overlay included, can ask only for these, never for another secret of the worker's
     *                environment (the operator's shell, in the standalone)
     */
    @Autowired
    PassedEnvironment(org.springframework.core.env.ConfigurableEnvironment environment, WorkerIdentity identity,
                      @org.springframework.beans.factory.annotation.Value("${nubicustos.worker.passed-environment:NEO4J_PASSWORD}")
                      List<String> allowed) {
        this(name -> raw(environment, name), identity.id(), allowed);
    }

    PassedEnvironment(UnaryOperator<String> lookup, String workerId, List<String> allowed) {
        this.lookup = lookup;
        this.workerId = workerId;
        this.allowed = java.util.Set.copyOf(allowed.stream().map(String::trim).filter(n -> !n.isEmpty()).toList());
    }

    /** The value as it was given (the process environment, else a property as written): a password with ${ stays itself. */
    private static String raw(org.springframework.core.env.ConfigurableEnvironment environment, String name) {
        String value = System.getenv(name);
        if (value != null) {
            return value;
        }
        for (org.springframework.core.env.PropertySource<?> source : environment.getPropertySources()) {
            Object found = source.getProperty(name);
            if (found != null) {
                return found.toString();
            }
        }
        return null;
    }

    /** The variables with their values; a step whose variable this worker lacks cannot run here. */
    public Map<String, String> valuesFor(StepPlan plan) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : plan.passedEnvironment()) {
            if (!allowed.contains(name)) {
                throw new StepFailure(plan.tool() + "'s plan asks for the worker's " + name + ", which worker " + workerId
                        + " does not pass to tools (nubicustos.worker.passed-environment: " + allowed + ")");
            }
            if (!PassedVariables.allowed(name)) {
                throw new StepFailure(plan.tool() + "'s plan asks for the worker's " + name + ", which is never passed to a tool ("
                        + PassedVariables.RESERVED_DESCRIPTION + ")");
            }
            String value = lookup.apply(name);
            if (value == null || value.isBlank()) {
                throw new StepFailure(plan.tool() + " is given " + name + " by name from the worker's environment, and worker "
                        + workerId + " has none: set " + name + " where the worker runs (the compose stack's graph file does)");
            }
            values.put(name, value);
        }
        return values;
    }

    /** The values there are, for redaction (a missing one has nothing to redact). */
    public List<String> secretsOf(StepPlan plan) {
        return plan.passedEnvironment().stream().filter(allowed::contains).filter(PassedVariables::allowed).map(lookup).filter(v -> v != null && !v.isBlank()).toList();
    }
}
