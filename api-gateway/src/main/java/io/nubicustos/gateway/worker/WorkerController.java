package io.nubicustos.gateway.worker;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The fleet's hosts as their workers last described them: each worker's Docker engine, its slots in use and
 * free, whether it takes work and why not, and its last heartbeat. A worker is live while its heartbeat is
 * recent for its own heartbeat interval (by the database's clock, which stamped it); stale rows are those of
 * workers that died, shown only when asked for, and forgotten after a day.
 */
@RestController
class WorkerController {

    // why: live while no more than three of its own heartbeats (at its own interval) are missed, and a second for the clock
    private static final String WORKERS = """
            select * from (
                select id, engine_id, engine_name, engine_address, slots, slots_in_use, healthy, unhealthy_reason, unhealthy_since,
                       started_at, last_heartbeat,
                       last_heartbeat > clock_timestamp() - (3 * heartbeat_interval_ms + 1000) * interval '1 millisecond' as live
                  from workers) w
             where :all or live
             order by id
            """;

    private final JdbcClient jdbc;

    WorkerController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/workers")
    Workers list(@RequestParam(name = "all", defaultValue = "false") boolean all) {
        List<Worker> workers = jdbc.sql(WORKERS).param("all", all).query((rs, n) -> new Worker(
                rs.getString("id"),
                new Engine(rs.getString("engine_id"), rs.getString("engine_name"), rs.getString("engine_address")),
                new Slots(rs.getInt("slots"), rs.getInt("slots_in_use"), Math.max(0, rs.getInt("slots") - rs.getInt("slots_in_use"))),
                rs.getBoolean("healthy"), rs.getString("unhealthy_reason"), rs.getObject("unhealthy_since", OffsetDateTime.class),
                rs.getObject("started_at", OffsetDateTime.class), rs.getObject("last_heartbeat", OffsetDateTime.class),
                rs.getBoolean("live"))).list();
        List<Worker> working = workers.stream().filter(w -> w.live() && w.healthy()).toList();
        return new Workers(workers, working.size(), working.stream().mapToInt(w -> w.slots().free()).sum());
    }

    /** @param freeSlots free slots of the live, healthy workers: how many more steps the fleet can start now */
    record Workers(List<Worker> workers, int healthyWorkers, int freeSlots) {
    }

    /**
     * @param healthy        whether the worker takes work
     * @param unhealthyReason why not (its Docker engine does not answer, or cannot run containers)
     */
    record Worker(String id, Engine engine, Slots slots, boolean healthy, @Nullable String unhealthyReason,
                  @Nullable OffsetDateTime unhealthySince, OffsetDateTime startedAt, OffsetDateTime lastHeartbeat, boolean live) {
    }

    record Engine(@Nullable String id, @Nullable String name, @Nullable String address) {
    }

    record Slots(int total, int inUse, int free) {
    }
}
