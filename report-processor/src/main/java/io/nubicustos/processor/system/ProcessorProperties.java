package io.nubicustos.processor.system;

import io.nubicustos.model.reports.ReportLayout;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the report-processor.
 *
 * @param reports    where step report directories are, as this process sees them
 * @param processor  sweeping and batching
 * @param catalog    operator's catalog file (checked at start-up, like every service)
 * @param degraded   when a settled scan that saw far less than its baseline is marked degraded
 */
@ConfigurationProperties("nubicustos")
public record ProcessorProperties(@DefaultValue Reports reports, @DefaultValue Processor processor, String catalog,
                                  @DefaultValue Degraded degraded) {

    /**
     * When a settled scan is marked degraded: compared with its baseline (the previous settled, not degraded scan of the
     * same profile and account), a tool saw fewer results, checks, resources or regions than {@code ratio} of the
     * baseline's, or its log has many more access-denied or throttling lines.
     *
     * @param ratio          a measure below this share of the baseline's is a loss (0.5: less than half)
     * @param minResults     a baseline with fewer results than this is too small to judge
     * @param minSignalLines access-denied or throttling lines below this many are noise
     */
    public record Degraded(@DefaultValue("0.5") double ratio, @DefaultValue("20") long minResults,
                           @DefaultValue("10") long minSignalLines) {
        public Degraded {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("nubicustos.degraded.ratio must be above 0 and at most 1");
            }
        }
    }

    /** @param path the reports root */
    public record Reports(@DefaultValue("/app/reports") Path path) {
        public ReportLayout layout() {
            return new ReportLayout(path);
        }
    }

    /**
     * @param sweepInterval  how often steps left in {@code reporting} and unsettled scans are looked for
     * @param reportingGrace how long a {@code reporting} step waits for its completion event before the
     *                       sweeper processes it anyway
     * @param maxAttempts    attempts at processing a step that fail for a reason other than its report's content
     *                       (a value the database refuses, a bug) before the step fails with the last error
     * @param retryBackoff   wait before the next attempt at such a step; doubled after each attempt
     * @param hashMaxBytes   bytes of a step's report files hashed for its provenance; files past it are listed unhashed
     */
    public record Processor(@DefaultValue("5s") Duration sweepInterval,
                            @DefaultValue("15s") Duration reportingGrace,
                            @DefaultValue("3") int maxAttempts,
                            @DefaultValue("30s") Duration retryBackoff,
                            @DefaultValue("4GB") DataSize hashMaxBytes) {
        public Processor {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("nubicustos.processor.max-attempts must be at least 1");
            }
        }
    }
}
