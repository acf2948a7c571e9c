package io.nubicustos.processor.processing;

import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.prowler.ProwlerParser;
import io.nubicustos.testsupport.LargeProwlerReport;
import io.nubicustos.testsupport.TestPostgres;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.UUID;

/**
 * Not a test: prints how fast a large Prowler json-ocsf report is parsed, normalized and stored in
 * PostgreSQL, and the peak heap it took. The report is generated from the real samples' records (each
 * copy gets its own resource, so every row is a distinct finding). Run it as the README says:
 * {@code mvn -B -Pbench -pl report-processor -am -DskipTests verify} (-Dbench.findings=1000000).
 */
public final class ProwlerIngestBenchmark {

    public static void main(String[] args) throws Exception {
        long findings = Long.getLong("bench.findings", 1_000_000);
        Path dir = Files.createTempDirectory("nubicustos-bench");
        Path report = dir.resolve("prowler-output-123456789012-bench.ocsf.json");

        long t0 = System.nanoTime();
        LargeProwlerReport.write(report, findings);
        double generateSeconds = (System.nanoTime() - t0) / 1e9;

        String url = TestPostgres.newDatabase() + "&reWriteBatchedInserts=true";
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "postgres", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        UUID scan = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        jdbc.update("insert into scans (id, profile, aws_profile, status, source, created_at) values (?, 'quick', 'default', 'running', 'rest', now())", scan);
        jdbc.update("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (?, ?, 'prowler', 0, 'reporting', '{}'::jsonb, now())", step, scan);

        System.gc();
        resetPeaks();
        long t1 = System.nanoTime();
        long[] stored = new long[1];
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(s -> {
            FindingWriter writer = new FindingWriter(jdbc, JsonReports.MAPPER, scan, step, EnumSet.noneOf(Severity.class), 500);
            try {
                new ProwlerParser().parse(dir, writer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            writer.flush();
            stored[0] = writer.stored();
        });
        double ingestSeconds = (System.nanoTime() - t1) / 1e9;
        long rows = jdbc.queryForObject("select count(*) from findings where step_id = ?", Long.class, step);

        System.out.printf("%n=== Prowler json-ocsf ingest benchmark ===%n");
        System.out.printf("report:           %,d findings, %,d MB (generated in %.1f s)%n", findings, Files.size(report) / (1024 * 1024), generateSeconds);
        System.out.printf("parsed+stored:    %,d rows in PostgreSQL in %.1f s%n", rows, ingestSeconds);
        System.out.printf("throughput:       %,.0f findings/s%n", stored[0] / ingestSeconds);
        System.out.printf("peak heap:        %,d MB (max heap %,d MB)%n", peakHeap() / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        Files.delete(report);
        System.exit(0);
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }
}
