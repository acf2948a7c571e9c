package io.nubicustos.worker.step;

import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.scan.StepPlan;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a step whose image a host lacks says about getting it. */
class ImageSourcesTest {

    private final ImageSources sources = new ImageSources(ToolCatalog.builtIn());

    @Test
    void anUpstreamImageIsPulledOneWeMakeIsBuiltAsItsFolderSaysAndAStandInByTheScript() {
        assertThat(sources.howToGet(step("prowler", "toniblyx/prowler:4.2.4"))).contains("docker pull toniblyx/prowler:4.2.4");
        assertThat(sources.howToGet(step("scoutsuite", "nubicustos/scoutsuite:5.12.0")))
                .isEqualTo("no registry publishes it: build it on this host as infra/images/tools/scoutsuite/README.md says");
        assertThat(sources.howToGet(step("prowler", "nubicustos-standin/prowler:4.2.4"))).contains("infra/dev/standin-images.sh");
        assertThat(sources.howToGet(step("prowler", "registry.internal/prowler:9"))).as("a plan from another catalog")
                .contains("pull, build or load registry.internal/prowler:9 on this host");
    }

    private static ClaimedStep step(String tool, String image) {
        StepPlan plan = new StepPlan(tool, image, tool + "-scan", List.of(), null, "/reports", null, null, Map.of(), List.of(0), Map.of(),
                null, tool, ResourceLimits.NONE);
        return new ClaimedStep(UUID.randomUUID(), UUID.randomUUID(), tool, plan, 1, "e-1", tool + "-scan-e-1", null);
    }
}
