package io.nubicustos.bench;

import io.nubicustos.standalone.NubicustosStandalone;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 4. {@code POST /api/scans} (a quick scan) at 32 connections against the api-gateway alone, beside the same
 * JVM's liveness probe at the same load, both measured with {@code hey}.
 */
final class IntakeRow {

    static final String DURATION = "15s";
    static final int CONNECTIONS = 32;

    private final List<String> warmUps = new ArrayList<>();

    record Load(double perSecond, double p99Millis, String statuses) {
    }

    void run(Table table) throws Exception {
        Path data = Fixtures.dataDirectory("bench-intake");
        String database = Fixtures.database();
        Load scans;
        Load health;
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of(), Set.of("api-gateway"))) {
            String base = "http://127.0.0.1:" + system.apiPort();
            warmUp(base + "/api/scans", true);
            scans = hey(base + "/api/scans", true, DURATION);
            warmUp(base + "/actuator/health/liveness", false);
            health = hey(base + "/actuator/health/liveness", false, DURATION);
        }
        table.add("POST /api/scans (quick) at " + CONNECTIONS + " connections, api-gateway alone, vs its liveness probe",
                String.format("%,.0f/s, p99 %.1f ms", scans.perSecond(), scans.p99Millis()),
                String.format("%,.0f/s, p99 %.0f ms", health.perSecond(), health.p99Millis()),
                String.format("%.2f", scans.perSecond() / health.perSecond()), ">= 2,000/s, p99 <= 50 ms",
                scans.perSecond() >= 2000 && scans.p99Millis() <= 50);
        table.note("POST status codes: " + scans.statuses());
        table.note("warm-up rounds of 10 s before measuring, until the JIT compiler settles: " + String.join("; ", warmUps));
    }

    /**
     * Loads the endpoint in rounds of 10 s until the JIT compiler settles: a round in which it compiled for less
     * than a tenth of the round (at least 3 rounds, at most 24). On two cores the compiler shares the CPU with
     * the load and takes one to two minutes to compile what this one JVM runs (the broker, the database driver,
     * the web stack); a service that runs for days is measured at its steady state. The rounds are printed.
     */
    private void warmUp(String url, boolean post) throws IOException, InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<String> rounds = new ArrayList<>();
        for (int round = 1; round <= 24; round++) {
            long compiledBefore = jit.getTotalCompilationTime();
            Load load = hey(url, post, "10s");
            long compiling = jit.getTotalCompilationTime() - compiledBefore;
            rounds.add(String.format("%,.0f/s (JIT %.1f s)", load.perSecond(), compiling / 1000.0));
            if (round >= 3 && compiling < 1000) {
                break;
            }
        }
        warmUps.add(url.replaceAll("^http://[^/]+", "") + ": " + String.join(", ", rounds));
    }

    private static Load hey(String url, boolean post, String duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("hey", "-z", duration, "-c", Integer.toString(CONNECTIONS)));
        if (post) {
            command.addAll(List.of("-m", "POST", "-T", "application/json", "-d", "{\"profile\": \"quick\"}"));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("hey failed (apt-get install -y hey): " + output);
        }
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
        Matcher p99 = Pattern.compile("99%+ in ([0-9.]+) secs").matcher(output);
        Matcher codes = Pattern.compile("Status code distribution:\\s+((?:\\s*\\[\\d+]\\s+\\d+ responses)+)").matcher(output);
        if (!rate.find() || !p99.find()) {
            throw new IllegalStateException("cannot read hey's output: " + output);
        }
        return new Load(Double.parseDouble(rate.group(1)), Double.parseDouble(p99.group(1)) * 1000,
                codes.find() ? codes.group(1).replaceAll("\\s+", " ").trim() : "?");
    }
}
