package io.nubicustos.worker.credentials;

import io.nubicustos.model.catalog.PassedVariables;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.docker.StepFailure;
import io.nubicustos.worker.system.WorkerIdentity;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
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

    @Autowired
    PassedEnvironment(Environment environment, WorkerIdentity identity) {
        this(environment::getProperty, identity.id());
    }

    PassedEnvironment(UnaryOperator<String> lookup, String workerId) {
        this.lookup = lookup;
        this.workerId = workerId;
    }

    /** The variables with their values; a step whose variable this worker lacks cannot run here. */
    public Map<String, String> valuesFor(StepPlan plan) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : plan.passedEnvironment()) {
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
        return plan.passedEnvironment().stream().filter(PassedVariables::allowed).map(lookup).filter(v -> v != null && !v.isBlank()).toList();
    }
}
