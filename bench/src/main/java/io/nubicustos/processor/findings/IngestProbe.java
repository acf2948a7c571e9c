package io.nubicustos.processor.findings;

import io.nubicustos.processor.report.prowler.ProwlerParser;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.UUID;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.JsonReports;
import java.util.EnumSet;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * Row 5, in a JVM of its own with a small heap: the production parser and finding storage ingest a large
 * Prowler report into PostgreSQL; the same rows are then loaded by a raw {@code COPY} into the same table
 * (same columns, same indexes), for comparison. Prints one {@code RESULT} line.
 */
public final class IngestProbe {

    private static final String COLUMNS = "scan_id, step_id, tool, check_id, title, severity, status, account, region, service, "
            + "resource_id, description, remediation, compliance, observed_at, fingerprint, occurrences";

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path reportDir = Path.of(args[1]);
        Path copyFile = reportDir.resolveSibling("findings.copy");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "postgres", "");
        Flyway.configure().dataSource(dataSource).load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        UUID scan = UUID.randomUUID();
        jdbc.update("insert into scans (id, profile, aws_profile, status, source, created_at) values (?, 'quick', 'default', 'running', 'rest', now())", scan);

        UUID first = step(jdbc, scan);
        ingest(dataSource, jdbc, scan, first, reportDir);
        long rows = jdbc.queryForObject("select count(*) from findings where step_id = ?", Long.class, first);
        UUID raw = step(jdbc, scan);
        try (Connection c = dataSource.getConnection(); Writer out = Files.newBufferedWriter(copyFile, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select " + COLUMNS.replace("step_id", "'" + raw + "'::uuid")
                    + " from findings where step_id = '" + first + "') to stdout", out);
        }
        jdbc.execute("truncate findings");
        jdbc.execute("vacuum analyze findings");
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Reader in = Files.newBufferedReader(copyFile, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy findings (" + COLUMNS + ") from stdin", in);
        }
        double rawSeconds = (System.nanoTime() - t0) / 1e9;
        jdbc.execute("truncate findings");
        jdbc.execute("vacuum analyze findings");
        Files.delete(copyFile);

        UUID measured = step(jdbc, scan);
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t1 = System.nanoTime();
        ingest(dataSource, jdbc, scan, measured, reportDir);
        double oursSeconds = (System.nanoTime() - t1) / 1e9;
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long stored = jdbc.queryForObject("select count(*) from findings where step_id = ?", Long.class, measured);
        System.out.printf("RESULT rows=%d ours=%.1f raw=%.1f peak=%d max=%d%n", stored, stored / oursSeconds, rows / rawSeconds,
                peak / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.exit(0);
    }

    private static UUID step(JdbcTemplate jdbc, UUID scan) {
        UUID step = UUID.randomUUID();
        jdbc.update("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (?, ?, 'prowler-' || "
                + "(select count(*) from scan_steps), (select count(*) from scan_steps), 'reporting', '{}'::jsonb, now())", step, scan);
        return step;
    }

    /** The production path: the parser streams into the finding storage, in one transaction. */
    private static void ingest(DriverManagerDataSource dataSource, JdbcTemplate jdbc, UUID scan, UUID step, Path reportDir) {
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(s -> {
            FindingWriter writer = new FindingWriter(DataSourceUtils.getConnection(dataSource),
                    JsonReports.MAPPER, scan, step, "prowler",
                    EnumSet.noneOf(Severity.class));
            try {
                new ProwlerParser().parse(reportDir, writer);
                writer.finish();
            } catch (Exception e) {
                writer.abort();
                throw new IllegalStateException(e);
            }
        });
    }
}
