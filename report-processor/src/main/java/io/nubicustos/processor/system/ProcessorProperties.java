package io.nubicustos.processor.system;

import io.nubicustos.model.reports.ReportLayout;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the report-processor.
 *
 * @param reports    where step report directories are, as this process sees them
 * @param processor  sweeping and batching
 * @param catalog    operator's catalog file (checked at start-up, like every service)
 */
@ConfigurationProperties("nubicustos")
public record ProcessorProperties(@DefaultValue Reports reports, @DefaultValue Processor processor, String catalog) {

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
     */
    public record Processor(@DefaultValue("5s") Duration sweepInterval,
                            @DefaultValue("15s") Duration reportingGrace,
                            @DefaultValue("3") int maxAttempts,
                            @DefaultValue("30s") Duration retryBackoff) {
        public Processor {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("nubicustos.processor.max-attempts must be at least 1");
            }
        }
    }
}
