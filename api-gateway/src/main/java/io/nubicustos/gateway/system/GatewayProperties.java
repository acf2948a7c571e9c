package io.nubicustos.gateway.system;

import io.nubicustos.model.reports.ReportLayout;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the api-gateway.
 *
 * @param catalog      operator's catalog file replacing the built-in one; empty for the built-in catalog
 * @param credentials  where the AWS credentials are mounted; aws_profile is checked against them
 * @param reports      the reports root, shown in dry-run plans
 * @param outbox       the outbox relay
 * @param kafka        topic settings
 * @param archives     where bulk archives are stored
 * @param api          API keys, rate limiting and what they protect
 * @param metrics      the gauges computed from the database
 */
@ConfigurationProperties("nubicustos")
public record GatewayProperties(
        String catalog,
        @DefaultValue Credentials credentials,
        @DefaultValue Reports reports,
        @DefaultValue Outbox outbox,
        @DefaultValue Kafka kafka,
        @DefaultValue Archives archives,
        @DefaultValue Api api,
        @DefaultValue Metrics metrics,
        @DefaultValue Schedules schedules,
        @DefaultValue Retention retention,
        @DefaultValue Logs logs,
        @DefaultValue Webhooks webhooks) {

    /**
     * @param followTimeout  the longest one client may follow a step's log live
     * @param followInterval how often a live follower looks for new lines
     * @param maxFollowers   logs one instance streams live at once; more get 503
     */
    public record Logs(@DefaultValue("6h") Duration followTimeout, @DefaultValue("250ms") Duration followInterval,
                       @DefaultValue("64") int maxFollowers) {
    }

    /**
     * @param pollInterval           how often each API instance looks for due deliveries
     * @param batch                  deliveries one instance claims at a time
     * @param maxInFlight            requests one instance has in flight at once, all receivers together
     * @param maxAttempts            attempts of a delivery before it is marked failed
     * @param retryBackoff           wait before the second attempt; doubled after each further one
     * @param maxBackoff             the longest wait between two attempts
     * @param connectTimeout         how long connecting to a receiver may take
     * @param requestTimeout         how long a receiver may take to answer, body included
     * @param allowPrivateAddresses  whether receivers may be on loopback, link-local (cloud metadata) or private addresses;
     *                               off, a delivery to such an address fails at once, so a key cannot turn the gateway
     *                               into a scanner of its own network
     */
    public record Webhooks(@DefaultValue("1s") Duration pollInterval, @DefaultValue("20") int batch,
                           @DefaultValue("12") int maxAttempts, @DefaultValue("5s") Duration retryBackoff,
                           @DefaultValue("1h") Duration maxBackoff,
                           @DefaultValue("5s") Duration connectTimeout, @DefaultValue("10s") Duration requestTimeout,
                           @DefaultValue("false") boolean allowPrivateAddresses, @DefaultValue("100") int maxInFlight) {
        public Webhooks {
            if (maxAttempts < 1 || batch < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("nubicustos.webhooks.max-attempts, batch and max-in-flight must be at least 1");
            }
        }
    }

    /**
     * Age-based pruning (published outbox rows have their own retention, {@link Outbox#retention()}).
     *
     * @param scans    settled scans older than this go, with their steps, findings and report directories; never a
     *                 scan that is queued or running, nor the latest scan of a schedule; 0 keeps every scan
     * @param auditLog audit log entries older than this go; 0 keeps them all
     * @param webhookDeliveries delivered and failed webhook deliveries (with their attempts) older than this go; 0 keeps them
     * @param interval how often the pruning runs
     * @param batch    rows deleted per statement, so that no statement holds its locks for long
     */
    public record Retention(@DefaultValue("0") Duration scans, @DefaultValue("365d") Duration auditLog,
                            @DefaultValue("30d") Duration webhookDeliveries,
                            @DefaultValue("1h") Duration interval, @DefaultValue("200") int batch) {
    }

    /**
     * @param checkInterval    how often each API instance looks for due schedules (a due time fires at most this late)
     * @param shortestInterval the shortest time between two runs of a schedule (fixed interval or cron)
     * @param batch            due schedules one instance fires per round
     */
    public record Schedules(@DefaultValue("10s") Duration checkInterval, @DefaultValue("5m") Duration shortestInterval,
                            @DefaultValue("50") int batch) {
    }

    /** @param fleetInterval how often the fleet gauges (queue, running steps, scans, findings) are computed, in one query */
    public record Metrics(@DefaultValue("10s") Duration fleetInterval) {
    }

    /** @param path the directory bulk archives are written to (and only to) */
    public record Archives(@DefaultValue("/app/archives") Path path) {
    }

    /**
     * @param keys                     API keys, each {@code name:key} or just {@code key}; none configured (and no
     *                                 {@code key}): the API is open
     * @param key                      the specification's single key ({@code API_KEY}), named {@code api-key}
     * @param requestsPerMinute        requests one key may make per minute before getting 429
     * @param unauthenticatedPerMinute calls without a valid key one client address may make per minute before
     *                                 getting 429 (only when keys are configured), so keys cannot be guessed at speed
     * @param maxBodySize              the largest request body accepted; larger ones get 413 before they are read
     */
    public record Api(List<String> keys, String key,
                      @DefaultValue("600") int requestsPerMinute, @DefaultValue("30") int unauthenticatedPerMinute,
                      @DefaultValue("1MB") DataSize maxBodySize) {
        public Api {
            keys = keys == null ? List.of() : keys.stream().filter(k -> !k.isBlank()).toList();
            key = key == null || key.isBlank() ? null : key;
            if (requestsPerMinute < 1 || unauthenticatedPerMinute < 1) {
                throw new IllegalArgumentException("nubicustos.api rates must be at least 1 per minute");
            }
            if (maxBodySize.toBytes() < 1024) {
                throw new IllegalArgumentException("nubicustos.api.max-body-size must be at least 1KB");
            }
        }
    }

    /**
     * @param awsPath      directory holding the AWS {@code credentials} and {@code config} files
     * @param allowAmbient whether {@code aws_profile: "default"}, absent from those files, is accepted and run with the
     *                     workers' own AWS environment (instance role, workload identity, environment credentials)
     */
    public record Credentials(@DefaultValue("/app/credentials/aws") Path awsPath, @DefaultValue("false") boolean allowAmbient) {
    }

    /**
     * @param path      the reports root as this service sees it
     * @param hostPath  the same directory as the Docker host sees it (HOST_REPORTS_PATH); empty if equal
     */
    public record Reports(@DefaultValue("/app/reports") Path path, String hostPath) {
        public String hostRoot() {
            return hostPath == null || hostPath.isBlank() ? path.toString() : hostPath;
        }

        public ReportLayout layout() {
            return new ReportLayout(path);
        }
    }

    /**
     * @param pollInterval   how often the relay looks for unpublished rows
     * @param batchSize      rows published per round
     * @param sendTimeout    how long one publish may take before the round gives up (the rows stay unpublished)
     * @param maxAttempts    attempts of a row the broker refuses (too large, bad topic) before it is parked
     * @param retryBackoff   wait before the first retry of a refused row; doubled on each further attempt
     * @param retention      how long published rows are kept before the purge deletes them
     * @param purgeInterval  how often published rows past their retention are purged
     * @param gaugeInterval  how often the backlog gauges are computed (one query, whatever the scrapes)
     */
    public record Outbox(@DefaultValue("500ms") Duration pollInterval,
                         @DefaultValue("1000") int batchSize,
                         @DefaultValue("10s") Duration sendTimeout,
                         @DefaultValue("5") int maxAttempts,
                         @DefaultValue("1s") Duration retryBackoff,
                         @DefaultValue("7d") Duration retention,
                         @DefaultValue("1h") Duration purgeInterval,
                         @DefaultValue("5s") Duration gaugeInterval) {
        public Outbox {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("nubicustos.outbox.max-attempts must be at least 1");
            }
        }
    }

    /**
     * @param replicationFactor  replicas of the topics this service creates
     * @param stepPartitions     partitions of the tool-steps topic (upper bound of worker consumers)
     */
    public record Kafka(@DefaultValue("1") short replicationFactor, @DefaultValue("12") int stepPartitions) {
    }
}
