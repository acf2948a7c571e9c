package io.nubicustos.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.nubicustos.standalone.NubicustosStandalone;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
 * the same forty containers started with {@code docker run --rm} four at a time: same image, command,
 * environment, bind mounts, network, limits and security options as the worker gives them (read from a step's
 * plan), so that the ratio is the cost of orchestrating, not of the limits; and how long after Docker's
 * {@code die} event the step's row shows the exit. The system is warmed up until the JIT compiler settles,
 * then ours and the reference run in turn three times and the medians are compared (one round on two cores
 * varies by several per cent). A bare {@code docker run} (no limits, no security options) is printed beside.
 */
final class FleetRow {

    static final String IMAGE = io.nubicustos.testsupport.StandIns.image("prowler");
    static final String NETWORK = "nubicustos_security-net";
    static final int SCANS = 40;
    static final int CONCURRENCY = 4;
    static final int ROUNDS = 3;

    void run(Table table) throws Exception {
        DockerClient docker = DockerClients.local();
        StandInImage.tagged(IMAGE).writes("prowler-output-123456789012-20250101000000.ocsf.json",
                Samples.file("prowler/prowler5_example_output_aws.ocsf.json")).exitsWith(3).buildWith(docker);
        Path data = Fixtures.dataDirectory("bench-fleet");
        String database = Fixtures.database();
        List<Double> ours = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> exitLatencies = new ArrayList<>();
        List<String> stages = new ArrayList<>();
        List<String> warmUp = new ArrayList<>();
        RawContainer sameContainer;
        double bare;
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of("nubicustos.worker.concurrency", "" + CONCURRENCY,
                "nubicustos.worker.account-cap", "" + CONCURRENCY), NubicustosStandalone.Settings.ALL_SERVICES)) {
            Http api = new Http(system.apiPort());
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            for (int round = 1; round <= 8; round++) {
                long compiledBefore = jit.getTotalCompilationTime();
                double seconds = runScans(api, database, SCANS);
                long compiling = jit.getTotalCompilationTime() - compiledBefore;
                warmUp.add(String.format("%.1f s (JIT %.1f s)", seconds, compiling / 1000.0));
                if (round >= 2 && compiling < 1000) {
                    break;
                }
            }
            sameContainer = dockerRunOptions(database, data);
            Fixtures.execute(database, "delete from scans");
            for (int round = 0; round < ROUNDS; round++) {
                Map<String, Long> dies = new ConcurrentHashMap<>();
                try (var events = docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withEventFilter("die")
                        .withLabelFilter(Map.of("io.nubicustos.managed", "true")).exec(new ResultCallback.Adapter<Event>() {
                            @Override
                            public void onNext(Event event) {
                                dies.put(event.getActor().getAttributes().get("name"), event.getTimeNano());
                            }
                        })) {
                    ours.add(runScans(api, database, SCANS));
                    Thread.sleep(500);
                }
                exitLatencies.addAll(exitLatencies(database, dies));
                stages.add(stages(database));
                Fixtures.execute(database, "delete from scans");
                raw.add(rawDockerRuns(data, sameContainer));
            }
            bare = rawDockerRuns(data, new RawContainer(List.of("--network", NETWORK), sameContainer.reportPath(), sameContainer.command()));
        }
        double oursMedian = Stats.of(ours).percentile(50);
        double rawMedian = Stats.of(raw).percentile(50);
        double ratio = rawMedian / oursMedian;
        Stats exitLatency = Stats.of(exitLatencies);
        table.add(SCANS + " quick scans, worker concurrency " + CONCURRENCY + ", account cap " + CONCURRENCY + " vs the same " + SCANS
                        + " containers by docker run --rm -P" + CONCURRENCY + " (median of " + ROUNDS + ")", Fixtures.seconds(oursMedian),
                Fixtures.seconds(rawMedian), String.format("%.2f", ratio), ">= 0.9", ratio >= 0.9);
        table.add("container exit (Docker's die event) -> step row shows the exit (" + exitLatency.count() + " steps)",
                String.format("p50 %.0f ms, p99 %.0f ms", exitLatency.percentile(50), exitLatency.percentile(99)), "", "",
                "p99 <= 50 ms", exitLatency.percentile(99) <= 50);
        table.note("fleet rounds, ours: " + seconds(ours) + "; docker run: " + seconds(raw) + "; warm-up rounds until the JIT settles: "
                + String.join(", ", warmUp));
        table.note("the reference's containers: docker run --rm " + String.join(" ", sameContainer.options()).replace(data.toString(), "$DATA")
                + " -v $DATA/raw/<run>:" + sameContainer.reportPath() + " " + IMAGE + " " + String.join(" ", sameContainer.command())
                + "; a bare docker run --rm --network " + NETWORK + " (no limits, no security options) took " + Fixtures.seconds(bare));
        table.note("where a step's time went (mean of the " + SCANS + " steps, per round): " + String.join("; ", stages));
    }

    private static String seconds(List<Double> rounds) {
        return String.join(", ", rounds.stream().map(Fixtures::seconds).toList());
    }

    /**
     * The options the worker gives a step's container, from a step of the warm-up: its plan (environment, limits,
     * mounts) and what the worker adds to every container (no capabilities, no privilege escalation, the reports group).
     */
    record RawContainer(List<String> options, String reportPath, List<String> command) {
    }

    private static RawContainer dockerRunOptions(String database, Path data) throws Exception {
        JsonNode plan;
        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select plan::text from scan_steps limit 1")) {
            rs.next();
            plan = new ObjectMapper().readTree(rs.getString(1));
        }
        List<String> options = new ArrayList<>(List.of("--network", NETWORK, "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--group-add", "47990"));
        JsonNode limits = plan.path("limits");
        if (limits.hasNonNull("memory_bytes")) {
            options.addAll(List.of("--memory", limits.get("memory_bytes").asString(), "--memory-swap", limits.get("memory_bytes").asString()));
        }
        if (limits.hasNonNull("cpus")) {
            options.addAll(List.of("--cpus", limits.get("cpus").asString()));
        }
        if (limits.hasNonNull("pids")) {
            options.addAll(List.of("--pids-limit", limits.get("pids").asString()));
        }
        for (var field : plan.path("environment").properties()) {
            options.addAll(List.of("-e", field.getKey() + "=" + field.getValue().asString()));
        }
        if (plan.hasNonNull("credentials")) {
            options.addAll(List.of("-v", data.resolve("credentials/aws") + ":" + plan.at("/credentials/mount").asString() + ":ro"));
        }
        List<String> command = new ArrayList<>();
        plan.path("command").forEach(part -> command.add(part.asString()));
        return new RawContainer(options, plan.path("report_path").asString(), command);
    }

    /** Submits the scans and waits until they are all completed; answers the seconds from the first submit to the last completion. */
    static double runScans(Http api, String database, int scans) throws Exception {
        // why: one connection for the whole watch; a connection per look would fork a database backend every few ms,
        // on the same two cores as the system measured
        try (Connection c = DriverManager.getConnection(database, "postgres", "");
             var completed = c.prepareStatement("select count(*) from scans where status = 'completed'")) {
            long before;
            try (ResultSet rs = completed.executeQuery()) {
                rs.next();
                before = rs.getLong(1);
            }
            long start = System.nanoTime();
            for (int i = 0; i < scans; i++) {
                api.submit("{\"profile\": \"quick\"}");
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (true) {
                try (ResultSet rs = completed.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) - before >= scans) {
                        return (System.nanoTime() - start) / 1e9;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("scans did not complete within 5 minutes");
                }
                Thread.sleep(20);
            }
        }
    }

    private static List<Double> exitLatencies(String database, Map<String, Long> dies) throws Exception {
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
        return latencies;
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

    /** The containers, started by the Docker CLI four at a time: {@code docker run --rm}, the options given, the plan's command. */
    private static double rawDockerRuns(Path data, RawContainer container) throws Exception {
        Path root = Files.createDirectories(data.resolve("raw"));
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            runRaw(pool, root, container, CONCURRENCY);
            long start = System.nanoTime();
            runRaw(pool, root, container, SCANS);
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void runRaw(ExecutorService pool, Path root, RawContainer container, int count) throws Exception {
        List<Future<Integer>> runs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path dir = Files.createDirectories(root.resolve("run-" + System.nanoTime() + "-" + i));
            List<String> command = new ArrayList<>(List.of("docker", "run", "--rm"));
            command.addAll(container.options());
            command.addAll(List.of("-v", dir + ":" + container.reportPath(), IMAGE));
            command.addAll(container.command());
            runs.add(pool.submit(() -> new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
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
