package io.nubicustos.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.nubicustos.standalone.NubicustosStandalone;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Rows 1 and 2. Forty quick scans through the whole system (worker concurrency 4, account cap 4) against
 * the same forty containers started with {@code docker run --rm} four at a time (same image, same bind
 * mount, same network); and how long after Docker's {@code die} event the step's row shows the exit.
 */
final class FleetRow {

    static final String IMAGE = "toniblyx/prowler:4.2.4";
    static final String NETWORK = "nubicustos_security-net";
    static final int SCANS = 40;
    static final int CONCURRENCY = 4;

    void run(Table table) throws Exception {
        DockerClient docker = DockerClients.local();
        StandInImage.tagged(IMAGE).writes("prowler-output-123456789012-20250101000000.ocsf.json",
                Samples.file("prowler/prowler5_example_output_aws.ocsf.json")).exitsWith(3).buildWith(docker);
        Path data = Fixtures.dataDirectory("bench-fleet");
        String database = Fixtures.database();
        double ours;
        Stats exitLatency;
        String stages;
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of("nubicustos.worker.concurrency", "" + CONCURRENCY,
                "nubicustos.worker.account-cap", "" + CONCURRENCY), NubicustosStandalone.Settings.ALL_SERVICES)) {
            Http api = new Http(system.apiPort());
            runScans(api, database, 8);
            Fixtures.execute(database, "delete from scans");
            Map<String, Long> dies = new ConcurrentHashMap<>();
            try (var events = docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withEventFilter("die")
                    .withLabelFilter(Map.of("io.nubicustos.managed", "true")).exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            dies.put(event.getActor().getAttributes().get("name"), event.getTimeNano());
                        }
                    })) {
                ours = runScans(api, database, SCANS);
                Thread.sleep(500);
            }
            exitLatency = exitLatency(database, dies);
            stages = stages(database);
        }
        double raw = rawDockerRuns(data);
        double ratio = raw / ours;
        table.add(SCANS + " quick scans, worker concurrency " + CONCURRENCY + ", account cap " + CONCURRENCY + " vs the same " + SCANS
                        + " containers by docker run --rm -P" + CONCURRENCY, Fixtures.seconds(ours), Fixtures.seconds(raw),
                String.format("%.2f", ratio), ">= 0.9", ratio >= 0.9);
        table.add("container exit (Docker's die event) -> step row shows the exit (" + exitLatency.count() + " steps)",
                String.format("p50 %.0f ms, p99 %.0f ms", exitLatency.percentile(50), exitLatency.percentile(99)), "", "",
                "p99 <= 50 ms", exitLatency.percentile(99) <= 50);
        table.note("where a step's time went (mean of the " + SCANS + " steps): " + stages);
    }

    /** Submits the scans and waits until they are all completed; answers the seconds from the first submit to the last completion. */
    static double runScans(Http api, String database, int scans) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < scans; i++) {
            api.submit("{\"profile\": \"quick\"}");
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (Fixtures.count(database, "select count(*) from scans where status = 'completed'") < scans) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("scans did not complete within 5 minutes");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static Stats exitLatency(String database, Map<String, Long> dies) throws Exception {
        List<Double> latencies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select container_name, container_finished_at from scan_steps where container_finished_at is not null")) {
            while (rs.next()) {
                Long die = dies.get(rs.getString(1));
                if (die != null) {
                    OffsetDateTime recorded = rs.getObject(2, OffsetDateTime.class);
                    long recordedNanos = recorded.toEpochSecond() * 1_000_000_000L + recorded.getNano();
                    latencies.add((recordedNanos - die) / 1e6);
                }
            }
        }
        return Stats.of(latencies);
    }

    private static String stages(String database) throws Exception {
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     select avg(extract(epoch from st.started_at - st.queued_at)) as queued,
                            avg(extract(epoch from st.container_started_at - st.started_at)) as starting,
                            avg(extract(epoch from st.container_finished_at - st.container_started_at)) as running,
                            avg(extract(epoch from st.completed_at - st.container_finished_at)) as reporting,
                            avg(extract(epoch from sc.completed_at - st.completed_at)) as settling
                       from scan_steps st join scans sc on sc.id = st.scan_id""")) {
            rs.next();
            return String.format("queued %.0f ms, claimed to container started %.0f ms, container %.0f ms, exit to processed %.0f ms,"
                            + " processed to scan settled %.0f ms", rs.getDouble(1) * 1000, rs.getDouble(2) * 1000, rs.getDouble(3) * 1000,
                    rs.getDouble(4) * 1000, rs.getDouble(5) * 1000);
        }
    }

    /** The same containers, started by the Docker CLI four at a time: {@code docker run --rm}, same image, bind mount and network. */
    private static double rawDockerRuns(Path data) throws Exception {
        Path root = Files.createDirectories(data.resolve("raw"));
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            runRaw(pool, root, CONCURRENCY);
            long start = System.nanoTime();
            runRaw(pool, root, SCANS);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runRaw(ExecutorService pool, Path root, int count) throws Exception {
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path dir = Files.createDirectories(root.resolve("run-" + System.nanoTime() + "-" + i));
            runs.add(pool.submit(() -> new ProcessBuilder("docker", "run", "--rm", "--network", NETWORK, "-v", dir + ":/reports", IMAGE,
                    "aws", "--output-formats", "json-ocsf").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor()));
        }
        for (Future<Integer> run : runs) {
            int code = run.get();
            if (code != 3) {
                throw new IllegalStateException("docker run exited " + code + ", not the stand-in's 3");
            }
        }
    }
}
