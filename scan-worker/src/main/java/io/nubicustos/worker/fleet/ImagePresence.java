package io.nubicustos.worker.fleet;

import io.nubicustos.support.loop.DaemonThreads;
import com.github.dockerjava.api.exception.NotFoundException;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.worker.docker.DockerEngine;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which of the catalog's images this worker's Docker host has, for its heartbeat row and so for {@code GET /api/tools}:
 * an operator sees which host lacks which tool before a scan fails on it. Asked of the engine on a thread of its own
 * every {@link #REFRESH} (a hung engine must never hold up the heartbeat that reports it); a tool the engine cannot be
 * asked about now is left out rather than reported absent.
 */
@Component
class ImagePresence {

    static final Duration REFRESH = Duration.ofSeconds(5);

    /** @param imageId the engine's id of the image, null when it is absent */
    record Entry(String tool, String image, boolean present, String imageId) {
    }

    private final DockerEngine engine;
    private final ToolCatalog catalog;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("image-presence"));
    private volatile List<Entry> last = List.of();

    ImagePresence(DockerEngine engine, ToolCatalog catalog) {
        this.engine = engine;
        this.catalog = catalog;
    }

    @PostConstruct
    void start() {
        thread.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }

    /** What the engine said last; empty before it said anything. */
    List<Entry> current() {
        return last;
    }

    void refresh() {
        if (!engine.wasReachable()) {
            return;
        }
        List<Entry> entries = new ArrayList<>();
        for (ToolDefinition tool : catalog.tools()) {
            try {
                String id = engine.client().inspectImageCmd(tool.image()).exec().getId();
                entries.add(new Entry(tool.name(), tool.image(), true, id));
            } catch (NotFoundException absent) {
                entries.add(new Entry(tool.name(), tool.image(), false, null));
            } catch (RuntimeException unknown) {
                // why: an engine that does not answer says nothing about the image
            }
        }
        last = List.copyOf(entries);
    }
}
