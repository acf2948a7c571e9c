package io.nubicustos.bench;

import io.nubicustos.standalone.NubicustosStandalone;

import java.io.IOException;
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

    record Load(double perSecond, double p99Millis, String statuses) {
    }

    void run(Table table) throws Exception {
        Path data = Fixtures.dataDirectory("bench-intake");
        String database = Fixtures.database();
        Load scans;
        Load health;
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of(), Set.of("api-gateway"))) {
            String base = "http://127.0.0.1:" + system.apiPort();
            hey(base + "/api/scans", true, "5s");
            scans = hey(base + "/api/scans", true, DURATION);
            hey(base + "/actuator/health/liveness", false, "5s");
            health = hey(base + "/actuator/health/liveness", false, DURATION);
        }
        table.add("POST /api/scans (quick) at " + CONNECTIONS + " connections, api-gateway alone, vs its liveness probe",
                String.format("%,.0f/s, p99 %.0f ms", scans.perSecond(), scans.p99Millis()),
                String.format("%,.0f/s, p99 %.0f ms", health.perSecond(), health.p99Millis()),
                String.format("%.2f", scans.perSecond() / health.perSecond()), ">= 2,000/s, p99 <= 50 ms",
                scans.perSecond() >= 2000 && scans.p99Millis() <= 50);
        table.note("POST status codes: " + scans.statuses());
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
