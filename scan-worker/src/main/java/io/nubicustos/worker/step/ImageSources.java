package io.nubicustos.worker.step;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import org.springframework.stereotype.Component;

/**
 * Says how to get a step's image onto a host that lacks it: where the repository says how that image is made when it
 * is not upstream's as it is (the catalog's {@code image_source}), else where to pull it from. The words end up in the step's error and
 * in {@code /errors}, so that whoever reads them knows what to run, not only what is missing.
 */
@Component
class ImageSources {

    private final ToolCatalog catalog;

    ImageSources(ToolCatalog catalog) {
        this.catalog = catalog;
    }

    String howToGet(ClaimedStep step) {
        String image = step.plan().image();
        if (image.startsWith("nubicustos-standin/")) {
            return "it is a test stand-in: build the stand-ins with infra/dev/standin-images.sh";
        }
        ToolDefinition tool = catalog.tool(step.tool()).orElse(null);
        if (tool != null && tool.imageSource() != null && image.equals(tool.image())) {
            return "no registry publishes it: build it on this host as " + tool.imageSource() + "/README.md says";
        }
        if (tool != null && image.equals(tool.image())) {
            return "pull it on this host (docker pull " + image + "), or docker load it where no registry is reachable";
        }
        return "the scan's plan names " + image + ", not this worker's catalog image for " + step.tool()
                + "; pull, build or load " + image + " on this host";
    }
}
