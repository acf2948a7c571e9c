package io.nubicustos.gateway.worker;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's tools and, per live worker, whether its Docker host has the tool's image, as each worker's heartbeat
 * last said: which host lacks which tool is seen here before a scan fails on it. A worker that has not said (an older
 * version, or its engine not answering since it started) is listed with {@code present} null.
 */
@RestController
class ToolController {

    // why: the same liveness as GET /api/workers: three missed heartbeats at the worker's own interval, and a second
    private static final String LIVE_WORKERS = """
            select id, images from workers
             where last_heartbeat > clock_timestamp() - (3 * heartbeat_interval_ms + 1000) * interval '1 millisecond'
             order by id
            """;
    private static final JsonMapper STORED_JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final ToolCatalog catalog;

    ToolController(JdbcClient jdbc, ToolCatalog catalog) {
        this.jdbc = jdbc;
        this.catalog = catalog;
    }

    @GetMapping("/api/tools")
    List<Tool> tools() {
        Map<String, Map<String, JsonNode>> byWorker = new LinkedHashMap<>();
        jdbc.sql(LIVE_WORKERS).query(rs -> {
            Map<String, JsonNode> images = new LinkedHashMap<>();
            String stored = rs.getString("images");
            if (stored != null) {
                for (JsonNode entry : STORED_JSON.readTree(stored)) {
                    images.put(entry.path("tool").asString(), entry);
                }
            }
            byWorker.put(rs.getString("id"), images);
        });
        List<Tool> tools = new ArrayList<>();
        for (ToolDefinition tool : catalog.tools()) {
            List<WorkerImage> workers = new ArrayList<>();
            byWorker.forEach((worker, images) -> {
                JsonNode entry = images.get(tool.name());
                workers.add(entry == null ? new WorkerImage(worker, null, null, null)
                        : new WorkerImage(worker, entry.path("image").asString(null), entry.path("present").asBoolean(),
                        entry.path("image_id").isNull() ? null : entry.path("image_id").asString(null)));
            });
            tools.add(new Tool(tool.name(), tool.image(), tool.imageSource(), workers));
        }
        return tools;
    }

    /**
     * @param image       the image the catalog names for the tool (what a scan accepted now would run)
     * @param imageSource for an image no registry publishes: the repository folder that says how it is made
     */
    record Tool(String tool, String image, @Nullable String imageSource, List<WorkerImage> workers) {
    }

    /**
     * @param image   the image this worker's catalog names for the tool (differs from the API's when their catalogs do)
     * @param present whether the worker's Docker host has it; null when the worker has not said
     * @param imageId the engine's id of that image on this host
     */
    record WorkerImage(String workerId, @Nullable String image, @Nullable Boolean present, @Nullable String imageId) {
    }
}
