package io.nubicustos.worker.credentials;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.StepFailure;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassedEnvironmentTest {

    private final Map<String, String> workerEnvironment = Map.of("NEO4J_PASSWORD", "graph-secret-1", "DATABASE_PASSWORD", "db-secret");
    private final PassedEnvironment passed = new PassedEnvironment(workerEnvironment::get, "worker-7",
            List.of("NEO4J_PASSWORD", "GRAPH_TOKEN", "DATABASE_PASSWORD"));

    @Test
    void aNamedVariableIsPassedWithTheWorkersValueAndKnownForRedaction() {
        StepPlan plan = plan(List.of("NEO4J_PASSWORD"));

        assertThat(passed.valuesFor(plan)).containsExactly(Map.entry("NEO4J_PASSWORD", "graph-secret-1"));
        assertThat(passed.secretsOf(plan)).containsExactly("graph-secret-1");
        assertThat(passed.valuesFor(plan(List.of()))).isEmpty();
    }

    @Test
    void aVariableTheWorkerLacksFailsTheStepNamingItAndTheWorker() {
        StepPlan plan = plan(List.of("GRAPH_TOKEN"));

        assertThatThrownBy(() -> passed.valuesFor(plan)).isInstanceOf(StepFailure.class)
                .hasMessageContaining("GRAPH_TOKEN").hasMessageContaining("worker-7");
        assertThat(passed.secretsOf(plan)).isEmpty();
    }

    @Test
    void onlyTheNamesTheWorkerAllowsArePassedWhateverTheCatalogAsks() {
        // why: a deny-list cannot know every secret of an operator's shell (GITHUB_TOKEN, VAULT_TOKEN, ...)
        StepPlan plan = plan(List.of("GITHUB_TOKEN"));

        assertThatThrownBy(() -> new PassedEnvironment(Map.of("GITHUB_TOKEN", "ghp_x")::get, "worker-7", List.of("NEO4J_PASSWORD"))
                .valuesFor(plan)).isInstanceOf(StepFailure.class).hasMessageContaining("nubicustos.worker.passed-environment");
    }

    @Test
    void aPlanFromTheDatabaseCannotAskForTheWorkersOwnSecrets() {
        // why: plans are rows; one written by hand (or by an older catalog) is held to the catalog's rule again here
        StepPlan plan = plan(List.of("DATABASE_PASSWORD"));

        assertThatThrownBy(() -> passed.valuesFor(plan)).isInstanceOf(StepFailure.class).hasMessageContaining("never passed to a tool");
        assertThat(passed.secretsOf(plan)).isEmpty();
    }

    private static StepPlan plan(List<String> names) {
        return new StepPlan("cartography", "nubicustos-test/cartography:1", "cartography-scan", List.of(), null, "/reports", null, null,
                Map.of(), List.of(0), Map.of(), null, "cartography-log", ResourceLimits.NONE, null, names);
    }
}
