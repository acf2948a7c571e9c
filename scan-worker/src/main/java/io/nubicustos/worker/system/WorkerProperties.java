package io.nubicustos.worker.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a scan-worker.
 *
 * @param worker       this worker's identity, capacity and timings
 * @param reports      where step report directories live
 * @param credentials  where credentials are, for this process and for the Docker host
 * @param docker       how to reach the Docker engine
 * @param host         how this worker watches its Docker host's health and tells the fleet about itself
 * @param catalog      operator's catalog file (checked at start-up, like every service)
 */
@ConfigurationProperties("nubicustos")
public record WorkerProperties(@DefaultValue Worker worker, @DefaultValue Reports reports,
                               @DefaultValue Credentials credentials, @DefaultValue Docker docker,
                               @DefaultValue Host host, String catalog) {

    /**
     * @param sickAfter         infrastructure failures in a row (containers the host could not create or start)
     *                          after which this worker stops claiming until its engine can run containers again
     * @param probeInterval     how often an unhealthy worker checks whether its engine can run containers again
     * @param heartbeatInterval how often the worker writes its row in {@code workers} (GET /api/workers)
     */
    public record Host(@DefaultValue("3") int sickAfter,
                       @DefaultValue("10s") Duration probeInterval,
                       @DefaultValue("5s") Duration heartbeatInterval) {
        public Host {
            if (sickAfter < 1) {
                throw new IllegalArgumentException("nubicustos.host.sick-after must be at least 1");
            }
        }
    }

    /**
     * @param id                  unique among live workers; a restarted worker with the same id adopts its
     *                            own running steps at once instead of waiting for their leases to expire
     * @param concurrency         containers this worker runs at once
     * @param leaseDuration       how long a claim stays valid without renewal
     * @param leaseRenewInterval  how often the worker renews the leases of the steps it runs
     * @param pollInterval        how often an idle worker looks in Postgres for queued steps
     * @param orphanSweepInterval how often expired leases are looked for
     * @param logTailLines        container log lines kept with the step
     * @param accountCap          steps of one cloud account (AWS profile) running at once across the fleet, so
     *                            tools do not throttle each other's API calls; 0 for no cap
     * @param maxAttempts         attempts of a step whose container vanished or whose infrastructure failed
     * @param stdoutMaxSize       the most of a tool's standard output saved as its report (tools that report on
     *                            stdout); past it the capture stops at the last whole line and the step's note says so
     * @param stdoutTimeout       the longest the worker spends saving a tool's standard output
     * @param retryBackoff        how long a step handed back to the queue for another attempt waits before it can be
     *                            claimed, times the attempts it has had (a restarting engine gets time to come back)
     * @param cancelCheckInterval how often the worker looks for cancelled steps among those it runs (and kills them)
     * @param foreignHostGrace    how long past its lease a step on another Docker host is left to its own worker
     *                            before any worker takes it over (it cannot see that host's containers)
     * @param logMaxSize          the most of a step's whole log (stdout and stderr) kept beside its report; past it
     *                            the log ends with a line saying it was truncated
     */
    public record Worker(String id,
                         @DefaultValue("4") int concurrency,
                         @DefaultValue("60s") Duration leaseDuration,
                         @DefaultValue("15s") Duration leaseRenewInterval,
                         @DefaultValue("2s") Duration pollInterval,
                         @DefaultValue("10s") Duration orphanSweepInterval,
                         @DefaultValue("60") int logTailLines,
                         @DefaultValue("4") int accountCap,
                         @DefaultValue("3") int maxAttempts,
                         @DefaultValue("256MB") DataSize stdoutMaxSize,
                         @DefaultValue("10m") Duration stdoutTimeout,
                         @DefaultValue("5s") Duration retryBackoff,
                         @DefaultValue("2s") Duration cancelCheckInterval,
                         @DefaultValue("10m") Duration foreignHostGrace,
                         @DefaultValue("16MB") DataSize logMaxSize) {
        public Worker {
            if (concurrency < 1) {
                throw new IllegalArgumentException("nubicustos.worker.concurrency must be at least 1");
            }
            if (leaseRenewInterval.multipliedBy(3).compareTo(leaseDuration) > 0) {
                throw new IllegalArgumentException("nubicustos.worker.lease-renew-interval must be at most a third of lease-duration,"
                        + " so that two missed renewals do not lose a running step");
            }
        }
    }

    /**
     * @param path      the reports root as this process sees it
     * @param hostPath  the same directory as the Docker host sees it (HOST_REPORTS_PATH), when the worker
     *                  itself runs in a container; empty if the paths are equal
     * @param groupId   the group that owns report directories and is given to containers so they can write
     *                  them; empty: this process's group, or 47990 when that is root's group
     */
    public record Reports(@DefaultValue("/app/reports") Path path, String hostPath, Integer groupId) {
        public String hostRoot() {
            return hostPath == null || hostPath.isBlank() ? path.toAbsolutePath().toString() : hostPath;
        }
    }

    /**
     * @param awsPath      the AWS credentials directory
     * @param awsHostPath  the same directory as the Docker host sees it; empty if equal
     * @param kubePath     the kubeconfig directory
     * @param kubeHostPath the same as the Docker host sees it; empty if equal
     */
    public record Credentials(@DefaultValue("/app/credentials/aws") Path awsPath, String awsHostPath,
                              @DefaultValue("/app/credentials/kube") Path kubePath, String kubeHostPath) {
        public String hostPathFor(String kind) {
            return switch (kind) {
                case "aws" -> awsHostPath == null || awsHostPath.isBlank() ? awsPath.toAbsolutePath().toString() : awsHostPath;
                case "kube" -> kubeHostPath == null || kubeHostPath.isBlank() ? kubePath.toAbsolutePath().toString() : kubeHostPath;
                default -> throw new IllegalArgumentException("no credentials directory for kind '" + kind + "'");
            };
        }
    }

    /**
     * @param host             engine address; empty: DOCKER_HOST, then the unix socket, then tcp://localhost:2375
     * @param pullPolicy       if-not-present (default), never, or always
     * @param createNetworks   create the catalog's network when the engine does not have it
     * @param pingInterval     how often the engine's reachability is checked before claiming work
     */
    public record Docker(String host,
                         @DefaultValue("if-not-present") String pullPolicy,
                         @DefaultValue("true") boolean createNetworks,
                         @DefaultValue("1s") Duration pingInterval) {
    }
}
