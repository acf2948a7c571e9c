package io.nubicustos.gateway.worker;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The fleet's hosts as their workers last described them: each worker's Docker engine, its slots in use and
 * free, whether it takes work and why not, and its last heartbeat. A worker is live while its heartbeat is
 * recent (by the database's clock, which stamped it); stale rows are those of workers that died, shown only
 * when asked for.
 */
@RestController
class WorkerController {

    /** Three missed heartbeats at the default interval (5 s), and some. */
    static final int LIVE_WITHIN_SECONDS = 20;

    private static final String WORKERS = """
            select id, engine_id, engine_name, engine_address, slots, slots_in_use, healthy, unhealthy_reason, unhealthy_since,
                   started_at, last_heartbeat, last_heartbeat > clock_timestamp() - :liveSeconds * interval '1 second' as live
              from workers
             where :all or last_heartbeat > clock_timestamp() - :liveSeconds * interval '1 second'
             order by id
            """;

    private final JdbcClient jdbc;

    WorkerController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/workers")
    Workers list(@RequestParam(name = "all", defaultValue = "false") boolean all) {
        List<Worker> workers = jdbc.sql(WORKERS).param("all", all).param("liveSeconds", LIVE_WITHIN_SECONDS).query((rs, n) -> new Worker(
                rs.getString("id"),
                new Engine(rs.getString("engine_id"), rs.getString("engine_name"), rs.getString("engine_address")),
                new Slots(rs.getInt("slots"), rs.getInt("slots_in_use"), Math.max(0, rs.getInt("slots") - rs.getInt("slots_in_use"))),
                rs.getBoolean("healthy"), rs.getString("unhealthy_reason"), rs.getObject("unhealthy_since", OffsetDateTime.class),
                rs.getObject("started_at", OffsetDateTime.class), rs.getObject("last_heartbeat", OffsetDateTime.class),
                rs.getBoolean("live"))).list();
        return new Workers(workers, workers.stream().filter(w -> w.live() && w.healthy()).count(),
                workers.stream().filter(Worker::live).mapToInt(w -> w.slots().free()).sum());
    }

    record Workers(List<Worker> workers, long healthyWorkers, int freeSlots) {
    }

    /**
     * @param healthy        whether the worker takes work
     * @param unhealthyReason why not (its Docker engine does not answer, or cannot run containers)
     */
    record Worker(String id, Engine engine, Slots slots, boolean healthy, String unhealthyReason, OffsetDateTime unhealthySince,
                  OffsetDateTime startedAt, OffsetDateTime lastHeartbeat, boolean live) {
    }

    record Engine(String id, String name, String address) {
    }

    record Slots(int total, int inUse, int free) {
    }
}
