package io.nubicustos.processor.step;

import io.nubicustos.model.account.ApiBudgets;

import io.nubicustos.support.logging.LogContext;
import io.nubicustos.support.tracing.StoredTraces;
import io.nubicustos.processor.degradation.StepCoverage;
import io.nubicustos.processor.degradation.LogSignals;
import io.nubicustos.processor.findings.FindingWriter;
import io.nubicustos.processor.findings.ReportParsers;
import io.nubicustos.processor.settle.ScanFinalizer;
import io.nubicustos.model.lifecycle.StatusSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.support.database.DatabaseUnavailable;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.model.scan.StepTransitions;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportParser;
import io.nubicustos.processor.system.ProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.sql.SQLException;
import io.micrometer.core.instrument.DistributionSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Processes one step's report. In ONE transaction, holding the step's row lock: replace the step's
 * findings with what the parser streams, move the step {@code reporting -> succeeded}, recount the
 * scan and settle it if it was the last step. Processing the same step twice yields the same rows;
 * a second processor racing for the step waits on the lock and then finds it settled. A report
 * that cannot be read fails its own step only, with the file and position in the error.
 */
@Service
public class StepProcessor {

    private static final Logger log = LoggerFactory.getLogger(StepProcessor.class);

    private static final String LOAD = """
            select s.status, s.tool, s.scan_id, s.plan ->> 'report_format' as report_format,
                   array_to_string(sc.severity_filter, ',') as severity_filter, s.process_after, sc.trace_parent
              from scan_steps s join scans sc on sc.id = s.scan_id where s.id = :id
            """;
    private static final String LOCK = "select status from scan_steps where id = :id for update";
    private static final String DELETE_FINDINGS = "delete from findings where step_id = :id";
    // why: the wait before the next attempt doubles with each failed one (the right side reads the old count)
    private static final String ATTEMPT_FAILED = StatusSql.expand("""
            update scan_steps set processing_attempts = processing_attempts + 1,
                   process_after = :now + make_interval(secs => :backoffSeconds * power(2, least(processing_attempts, 16)))
             where id = :id and status = {step:reporting} and (process_after is null or process_after <= :now)
            returning processing_attempts
            """);

    /** The files listed in a step's provenance (the row and every answer that shows it stay small); more are said to be cut. */
    static final int INVENTORY_MAX_FILES = 1_000;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate tx;
    private final ReportParsers parsers;
    private final ScanFinalizer finalizer;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ProcessorProperties properties;
    private final ToolCatalog catalog;

    private final StoredTraces traces;

    private final int defaultBudget;

    StepProcessor(JdbcClient jdbc, DataSource dataSource, TransactionTemplate tx, ReportParsers parsers, ScanFinalizer finalizer,
                  ObjectMapper json, Clock clock, MeterRegistry meters, ProcessorProperties properties, ToolCatalog catalog,
                  StoredTraces traces, @org.springframework.beans.factory.annotation.Value(ApiBudgets.DEFAULT_PROPERTY) int defaultBudget) {
        this.defaultBudget = defaultBudget;
        this.traces = traces;
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.tx = tx;
        this.parsers = parsers;
        this.finalizer = finalizer;
        this.json = json;
        this.clock = clock;
        this.meters = meters;
        this.properties = properties;
    }

    /** Processes the step if it waits for processing, and settles its scan if that was the last step. */
    public void process(UUID stepId) {
        Optional<StepRow> loaded = jdbc.sql(LOAD).param("id", stepId).query((rs, n) -> new StepRow(
                rs.getString("status"), rs.getString("tool"), rs.getObject("scan_id", UUID.class),
                rs.getString("report_format"), severities(rs.getString("severity_filter")),
                rs.getObject("process_after", OffsetDateTime.class), rs.getString("trace_parent"))).optional();
        if (loaded.isEmpty()) {
            log.info("Step {} does not exist (its scan was deleted); nothing to process", stepId);
            return;
        }
        StepRow step = loaded.get();
        // why: the lines about this step carry its scan, id and tool, and the trace its scan began (ADR 7)
        try (LogContext ignored = LogContext.step(step.scanId(), stepId, step.tool());
             StoredTraces.Continued trace = traces.continueFrom(step.traceParent(), "process " + step.tool())) {
            process(stepId, step);
        }
    }

    private void process(UUID stepId, StepRow step) {
        if (StepStatus.fromDb(step.status()) != StepStatus.REPORTING) {
            tx.executeWithoutResult(s -> finalizer.settleIfDone(step.scanId()));
            return;
        }
        if (step.processAfter() != null && step.processAfter().isAfter(now())) {
            log.debug("Step {} failed to process recently; the sweeper retries it after {}", stepId, step.processAfter());
            return;
        }
        Path reportDir = properties.reports().layout().stepDirectory(step.scanId(), step.tool());
        Timer.Sample timing = Timer.start(meters);
        // why: outside the transaction, so hashing a large report never holds the step's row lock
        List<ReportInventory.ReportFile> files = inventory(stepId, reportDir);
        String reports = files == null ? null : json.writeValueAsString(files);
        Optional<ToolDefinition> tool = catalog.tool(step.tool());
        Optional<String> noOutput = tool.flatMap(t -> SilentFailures.noOutput(t, files));
        Optional<String> failureLine = tool.flatMap(t -> SilentFailures.failureLine(t, properties.reports().layout().logFile(step.scanId(), step.tool())));
        String outcome;
        try {
            if (noOutput.isPresent()) {
                outcome = failStep(stepId, step, noOutput.get(), reports) ? "failed_silently" : "skipped";
            } else {
                outcome = tx.execute(s -> store(stepId, step, reportDir, reports, failureLine));
            }
        } catch (FailedSilently failed) {
            outcome = failStep(stepId, step, failed.getMessage(), reports) ? "failed_silently" : "skipped";
        } catch (RejectedReport rejected) {
            outcome = failStep(stepId, step, "report rejected: " + rejected.getCause().getMessage(), reports) ? "rejected" : "skipped";
        } catch (RuntimeException e) {
            outcome = attemptFailed(stepId, step, e instanceof FindingSink.StoreFailed storing ? storing.getCause() : e);
        }
        timing.stop(meters.timer("nubicustos.report.processing", "tool", step.tool(), "outcome", outcome == null ? "skipped" : outcome));
        if ("succeeded".equals(outcome)) {
            reportBytes(reportDir).ifPresent(bytes -> DistributionSummary.builder("nubicustos.report.size").baseUnit("bytes")
                    .description("Bytes a tool left in its report directory").tag("tool", step.tool()).register(meters).record(bytes));
        }
    }

    /** The step's report files with size and SHA-256; null (the step's provenance stays unknown) if unreadable. */
    private List<ReportInventory.ReportFile> inventory(UUID stepId, Path reportDir) {
        try {
            ReportInventory.Inventory inventory = ReportInventory.of(reportDir, INVENTORY_MAX_FILES, properties.processor().hashMaxBytes().toBytes());
            if (inventory.cut()) {
                log.info("Step {}: its report has more than {} files or {} to hash; the rest are listed without a hash or not at all",
                        stepId, INVENTORY_MAX_FILES, properties.processor().hashMaxBytes());
            }
            return inventory.files();
        } catch (RuntimeException e) {
            log.warn("Step {}: its report files could not be listed ({}); its provenance lists none", stepId, e.toString());
            return null;
        }
    }

    /** The bytes of the regular files in a report directory (links not followed, a few levels deep); empty if unreadable. */
    private static Optional<Long> reportBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 8)) {
            return Optional.of(files.mapToLong(file -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    return attributes.isRegularFile() ? attributes.size() : 0;
                } catch (IOException e) {
                    return 0;
                }
            }).sum());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * Processing failed for a reason other than the report's content. The attempt is counted and the next
     * one spaced out, so the sweeper serves the steps behind this one first; past the limit the step fails
     * with the error. If even that cannot be written (the database is down), nothing is counted and the
     * failure is passed on: the step stays in {@code reporting} and is processed again later.
     */
    private String attemptFailed(UUID stepId, StepRow step, RuntimeException failure) {
        ProcessorProperties.Processor settings = properties.processor();
        if (DatabaseUnavailable.causedBy(failure)) {
            // why: the database going away says nothing about this step; the attempt is not counted
            log.warn("Step {} ({}) could not be processed: the database is unreachable ({}); it is processed again later",
                    stepId, step.tool(), failure.toString());
            throw failure;
        }
        Optional<Integer> attempts;
        try {
            attempts = jdbc.sql(ATTEMPT_FAILED).param("id", stepId).param("now", now())
                    .param("backoffSeconds", settings.retryBackoff().toMillis() / 1000.0).query(Integer.class).optional();
        } catch (RuntimeException unreachable) {
            log.warn("Step {} ({}) could not be processed ({}), nor the attempt recorded ({}); it stays in reporting and is"
                    + " processed again later", stepId, step.tool(), failure.toString(), unreachable.toString());
            throw failure;
        }
        if (attempts.isEmpty()) {
            return "skipped";
        }
        String reason = reason(failure);
        if (attempts.get() >= settings.maxAttempts()) {
            failStep(stepId, step, "processing the report failed " + attempts.get() + " times; last error: " + abbreviate(reason), null);
            return "failed";
        }
        log.warn("Processing step {} ({}) of scan {} failed (attempt {} of {}): {}; it is retried later", stepId, step.tool(),
                step.scanId(), attempts.get(), settings.maxAttempts(), reason);
        return "retry";
    }

    private boolean failStep(UUID stepId, StepRow step, String error, String reports) {
        Boolean failed = tx.execute(s -> {
            if (lockedStatus(stepId).filter(StepStatus.REPORTING::equals).isEmpty()) {
                return false;
            }
            jdbc.sql(DELETE_FINDINGS).param("id", stepId).update();
            jdbc.sql(StepTransitions.REPORT_FAILED.sql()).param("id", stepId).param("error", error).param("reports", reports).param("now", now()).update();
            finalizer.recount(step.scanId());
            finalizer.settleIfDone(step.scanId());
            return true;
        });
        if (Boolean.TRUE.equals(failed)) {
            log.warn("Step {} ({}) of scan {} failed: {}", stepId, step.tool(), step.scanId(), error);
        }
        return Boolean.TRUE.equals(failed);
    }

    /** The innermost cause says what went wrong (the database's own message, not the statement that carried it). */
    private static String reason(Throwable failure) {
        Throwable root = failure;
        while (true) {
            Throwable next = root.getCause() != null && root.getCause() != root ? root.getCause()
                    : root instanceof SQLException sql ? sql.getNextException() : null;
            if (next == null) {
                break;
            }
            root = next;
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    /** The tool's log says it failed and it reported nothing: the step fails with that line (the transaction rolls back). */
    static final class FailedSilently extends RuntimeException {
        FailedSilently(String message) {
            super(message);
        }
    }

    private String store(UUID stepId, StepRow step, Path reportDir, String reports, Optional<String> failureLine) {
        if (lockedStatus(stepId).filter(StepStatus.REPORTING::equals).isEmpty()) {
            return "skipped";
        }
        jdbc.sql(DELETE_FINDINGS).param("id", stepId).update();
        Optional<ReportParser> parser = parsers.forFormat(step.reportFormat());
        long count = 0;
        String note;
        String coverage = null;
        if (parser.isEmpty()) {
            note = "no parser for report format '" + step.reportFormat() + "' yet: no findings were read; the report files are kept in "
                    + reportDir;
        } else {
            FindingWriter writer = new FindingWriter(DataSourceUtils.getConnection(dataSource), json, step.scanId(), stepId,
                    step.tool(), step.severityFilter());
            StepCoverage seen = new StepCoverage(writer);
            boolean finished = false;
            try {
                note = parser.get().parse(reportDir, step.tool(), seen);
                count = writer.finish();
                finished = true;
            } catch (ReportException e) {
                throw new RejectedReport(e);
            } catch (FindingSink.StoreFailed storing) {
                throw storing;
            } catch (RuntimeException e) {
                // why: a parser that trips over a report trips the same way every time; retrying cannot help
                throw new RejectedReport(new ReportException("the " + step.tool() + " parser could not read the report in " + reportDir
                        + ": " + e));
            } finally {
                if (!finished) {
                    writer.abort();
                }
            }
            if (writer.filteredOut() > 0) {
                note += "; " + writer.filteredOut() + " finding(s) outside the severity filter " + step.severityFilter() + " left out";
            }
            if (!writer.cleaningSummary().isEmpty()) {
                note += "; cleaned: " + writer.cleaningSummary();
            }
            if (failureLine.isPresent()) {
                if (count == 0 && writer.filteredOut() == 0) {
                    throw new FailedSilently(step.tool() + "'s log says it failed, and it reported nothing: " + failureLine.get());
                }
                note += "; its log says: " + failureLine.get();
            }
            meters.counter("nubicustos.findings.stored", "tool", step.tool()).increment(count);
            LogSignals.Counts signals = LogSignals.of(properties.reports().layout().logFile(step.scanId(), step.tool()));
            coverage = json.writeValueAsString(seen.toMap(signals));
            if (defaultBudget > 0) {
                // why: in the step's transaction: the budget moves once per processed step, however often processing is retried
                jdbc.sql(ApiBudgets.ADAPT).param("stepId", stepId).param("throttled", signals.throttling())
                        .param("defaultBudget", defaultBudget).param("now", now()).update();
            }
        }
        jdbc.sql(StepTransitions.REPORT_PROCESSED.sql()).param("id", stepId).param("count", count).param("note", note).param("coverage", coverage).param("reports", reports)
                .param("now", now()).update();
        finalizer.recount(step.scanId());
        finalizer.settleIfDone(step.scanId());
        log.info("Step {} ({}) of scan {} succeeded: {}", stepId, step.tool(), step.scanId(), note);
        return parser.isEmpty() ? "no_parser" : "succeeded";
    }

    private Optional<StepStatus> lockedStatus(UUID stepId) {
        return jdbc.sql(LOCK).param("id", stepId).query(String.class).optional().map(StepStatus::fromDb);
    }

    private static Set<Severity> severities(String csv) {
        Set<Severity> result = EnumSet.noneOf(Severity.class);
        if (csv != null) {
            for (String value : csv.split(",")) {
                Severity.parse(value).ifPresent(result::add);
            }
        }
        return result;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    private record StepRow(String status, String tool, UUID scanId, String reportFormat, Set<Severity> severityFilter,
                           OffsetDateTime processAfter, String traceParent) {
    }

    /** Carries a {@link ReportException} out of the transaction callback, rolling the transaction back. */
    private static final class RejectedReport extends RuntimeException {
        RejectedReport(ReportException cause) {
            super(cause);
        }
    }
}
