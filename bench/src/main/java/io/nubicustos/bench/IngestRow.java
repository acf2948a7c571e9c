package io.nubicustos.bench;

import io.nubicustos.processor.findings.IngestProbe;
import io.nubicustos.testsupport.LargeProwlerReport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Comparator;

/**
 * Row 5. A Prowler json-ocsf report of a million findings (generated from the real samples' records, each
 * on a resource of its own) parsed and stored by the production code, in a JVM whose heap is capped at
 * 256 MB, beside a raw {@code COPY} of the same rows into the same table of the same PostgreSQL.
 */
final class IngestRow {

    void run(Table table, long findings, String jfr) throws Exception {
        Path dir = Files.createTempDirectory("bench-ingest");
        Path reports = Files.createDirectories(dir.resolve("prowler"));
        LargeProwlerReport.write(reports.resolve("prowler-output-123456789012-bench.ocsf.json"), findings);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-Dnubicustos.samples=" + System.getProperty("nubicustos.samples", "")));
        if (jfr != null && !jfr.isBlank()) {
            Files.createDirectories(Path.of(jfr));
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + Path.of(jfr).resolve("ingest.jfr").toAbsolutePath());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestProbe.class.getName(), Fixtures.database(),
                reports.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor();
        Matcher result = Pattern.compile("RESULT rows=(\\d+) ours=([0-9.]+) raw=([0-9.]+) peak=(\\d+) max=(\\d+)").matcher(output);
        if (!result.find()) {
            throw new IllegalStateException("the ingest probe printed no result:\n" + output);
        }
        double ours = Double.parseDouble(result.group(2));
        double raw = Double.parseDouble(result.group(3));
        long peak = Long.parseLong(result.group(4));
        double ratio = ours / raw;
        table.add(String.format("%,d-finding Prowler OCSF ingest (parse + store) vs a raw COPY of the same rows, heap capped at %s MB",
                        Long.parseLong(result.group(1)), result.group(5)),
                String.format("%,.0f/s, peak heap %d MB", ours, peak), String.format("%,.0f/s", raw), String.format("%.2f", ratio),
                ">= 0.7, peak heap <= 256 MB", ratio >= 0.7 && peak <= 256);
        Files.walk(dir).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
