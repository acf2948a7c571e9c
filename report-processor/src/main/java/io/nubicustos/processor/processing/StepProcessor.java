package io.nubicustos.processor.processing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportParser;
import io.nubicustos.processor.system.ProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
                   array_to_string(sc.severity_filter, ',') as severity_filter
              from scan_steps s join scans sc on sc.id = s.scan_id where s.id = :id
            """;
    private static final String LOCK = "select status from scan_steps where id = :id for update";
    private static final String DELETE_FINDINGS = "delete from findings where step_id = :id";
    private static final String SUCCEED = """
            update scan_steps set status = 'succeeded', findings_count = :count, note = :note, completed_at = :now
             where id = :id and status = 'reporting'
            """;
    private static final String FAIL = """
            update scan_steps set status = 'failed', findings_count = 0, error = :error, completed_at = :now
             where id = :id and status = 'reporting'
            """;

    private final JdbcClient jdbc;
    private final JdbcTemplate batchJdbc;
    private final TransactionTemplate tx;
    private final ReportParsers parsers;
    private final ScanFinalizer finalizer;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ProcessorProperties properties;

    StepProcessor(JdbcClient jdbc, JdbcTemplate batchJdbc, TransactionTemplate tx, ReportParsers parsers, ScanFinalizer finalizer,
                  ObjectMapper json, Clock clock, MeterRegistry meters, ProcessorProperties properties) {
        this.jdbc = jdbc;
        this.batchJdbc = batchJdbc;
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
                rs.getString("report_format"), severities(rs.getString("severity_filter")))).optional();
        if (loaded.isEmpty()) {
            log.info("Step {} does not exist (its scan was deleted); nothing to process", stepId);
            return;
        }
        StepRow step = loaded.get();
        if (!"reporting".equals(step.status())) {
            tx.executeWithoutResult(s -> finalizer.settleIfDone(step.scanId()));
            return;
        }
        Path reportDir = properties.reports().path().resolve(step.scanId().toString()).resolve(step.tool());
        Timer.Sample timing = Timer.start(meters);
        String outcome;
        try {
            outcome = tx.execute(s -> store(stepId, step, reportDir));
        } catch (RejectedReport rejected) {
            String error = "report rejected: " + rejected.getCause().getMessage();
            tx.executeWithoutResult(s -> {
                if (lockedStatus(stepId).filter("reporting"::equals).isPresent()) {
                    jdbc.sql(DELETE_FINDINGS).param("id", stepId).update();
                    jdbc.sql(FAIL).param("id", stepId).param("error", error).param("now", now()).update();
                    finalizer.recount(step.scanId());
                    finalizer.settleIfDone(step.scanId());
                }
            });
            log.warn("Step {} ({}) of scan {} failed: {}", stepId, step.tool(), step.scanId(), error);
            outcome = "rejected";
        }
        timing.stop(meters.timer("nubicustos.report.processing", "tool", step.tool(), "outcome", outcome == null ? "skipped" : outcome));
    }

    private String store(UUID stepId, StepRow step, Path reportDir) {
        if (lockedStatus(stepId).filter("reporting"::equals).isEmpty()) {
            return "skipped";
        }
        jdbc.sql(DELETE_FINDINGS).param("id", stepId).update();
        Optional<ReportParser> parser = parsers.forFormat(step.reportFormat());
        long count = 0;
        String note;
        if (parser.isEmpty()) {
            note = "no parser for report format '" + step.reportFormat() + "' yet: no findings were read; the report files are kept in "
                    + reportDir;
        } else {
            FindingWriter writer = new FindingWriter(batchJdbc, json, step.scanId(), stepId, step.severityFilter(),
                    properties.processor().batchSize());
            try {
                note = parser.get().parse(reportDir, writer);
            } catch (ReportException e) {
                throw new RejectedReport(e);
            }
            writer.flush();
            count = writer.stored();
            if (writer.filteredOut() > 0) {
                note += "; " + writer.filteredOut() + " finding(s) outside the severity filter " + step.severityFilter() + " left out";
            }
            meters.counter("nubicustos.findings.stored", "tool", step.tool()).increment(count);
        }
        jdbc.sql(SUCCEED).param("id", stepId).param("count", count).param("note", note).param("now", now()).update();
        finalizer.recount(step.scanId());
        finalizer.settleIfDone(step.scanId());
        log.info("Step {} ({}) of scan {} succeeded: {}", stepId, step.tool(), step.scanId(), note);
        return parser.isEmpty() ? "no_parser" : "succeeded";
    }

    private Optional<String> lockedStatus(UUID stepId) {
        return jdbc.sql(LOCK).param("id", stepId).query(String.class).optional();
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

    private record StepRow(String status, String tool, UUID scanId, String reportFormat, Set<Severity> severityFilter) {
    }

    /** Carries a {@link ReportException} out of the transaction callback, rolling the transaction back. */
    private static final class RejectedReport extends RuntimeException {
        RejectedReport(ReportException cause) {
            super(cause);
        }
    }
}
