package io.nubicustos.bench;

import java.time.LocalDate;
import java.util.List;

/**
 * The hot path at engine speed, measured: each row runs the whole system (real PostgreSQL, real Kafka,
 * the real Docker engine with stand-in tool images) beside the raw reference it is compared with, in
 * the same run, on the same machine, and prints ours, the reference, their ratio and the goal.
 *
 * <pre>mvn -B -Pbench -pl bench -am -DskipTests verify [-Dbench.rows=fleet,outbox] [-Dbench.jfr=target/jfr]</pre>
 */
public final class Bench {

    public static void main(String[] args) throws Exception {
        List<String> rows = List.of(System.getProperty("bench.rows", "fleet,outbox,intake,triage,ingest,scaleout").split(","));
        String jfr = System.getProperty("bench.jfr", "");
        Table table = new Table();
        Table scaleOut = new Table();
        if (rows.contains("fleet")) {
            try (Profiling p = Profiling.start(jfr, "fleet")) {
                new FleetRow().run(table);
            }
        }
        if (rows.contains("outbox")) {
            try (Profiling p = Profiling.start(jfr, "outbox")) {
                new OutboxRow().run(table);
            }
        }
        if (rows.contains("intake")) {
            try (Profiling p = Profiling.start(jfr, "intake")) {
                new IntakeRow().run(table);
            }
        }
        if (rows.contains("triage")) {
            try (Profiling p = Profiling.start(jfr, "triage")) {
                new TriageRow().run(table);
            }
        }
        if (rows.contains("ingest")) {
            new IngestRow().run(table, Long.getLong("bench.findings", 1_000_000), jfr);
        }
        if (rows.contains("scaleout")) {
            try (Profiling p = Profiling.start(jfr, "scaleout")) {
                new ScaleOutRow().run(scaleOut);
            }
        }
        Table cloud = new Table();
        if (rows.contains("cloud")) {
            try (Profiling p = Profiling.start(jfr, "cloud")) {
                new CloudRow().run(cloud);
            }
        }
        if (rows.stream().anyMatch(row -> !row.equals("scaleout") && !row.equals("cloud"))) {
            System.out.printf("%n=== Nubicustos hot-path benchmark, %s, %d cores ===%n%n%s%n", LocalDate.now(),
                    Runtime.getRuntime().availableProcessors(), table.render());
        }
        if (rows.contains("scaleout")) {
            System.out.printf("%n=== Scale-out: one queue, one worker per Docker engine ===%n%n%s%n", scaleOut.render());
        }
        if (rows.contains("cloud")) {
            System.out.printf("%n=== Simulated cloud: one API budget per account ===%n%n%s%n", cloud.render());
        }
        System.exit(0);
    }
}
