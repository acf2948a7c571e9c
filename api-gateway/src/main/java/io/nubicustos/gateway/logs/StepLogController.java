package io.nubicustos.gateway.logs;

import io.nubicustos.support.loop.DaemonThreads;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.PreDestroy;
import org.springframework.http.MediaType;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;

/**
 * A step's whole log: {@code GET /api/scans/{id}/steps/{tool}/logs} answers it as plain text (as far as it is
 * written, while the tool runs), and {@code ?follow=true} (or {@code Accept: text/event-stream}) follows it live as
 * server-sent events, one {@code line} event per line, until the step's container has exited and its saved log is
 * read to the end ({@code end}, with the step's status).
 */
@RestController
class StepLogController {

    private static final String STEP_STATUS = "select status from scan_steps where scan_id = :id and tool = :tool";

    private final ScanQueries scans;
    private final JdbcClient jdbc;
    private final StepLogFiles files;
    private final GatewayProperties.Logs settings;
    private final AtomicInteger following = new AtomicInteger();
    // why: a follower's sends are synchronous; a few threads keep one slow client from holding up the others for long
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> followingByCaller =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final int maxFollowersPerCaller;
    private final ScheduledExecutorService followers = Executors.newScheduledThreadPool(4, DaemonThreads.named("log-followers"));

    StepLogController(ScanQueries scans, JdbcClient jdbc, StepLogFiles files, GatewayProperties properties,
                      @org.springframework.beans.factory.annotation.Value("${nubicustos.quotas.log-followers:8}") int maxFollowersPerCaller) {
        this.maxFollowersPerCaller = maxFollowersPerCaller;
        this.scans = scans;
        this.jdbc = jdbc;
        this.files = files;
        this.settings = properties.logs();
    }

    @PreDestroy
    void stop() {
        followers.shutdownNow();
    }

    @GetMapping(value = "/api/scans/{id}/steps/{tool}/logs", produces = {MediaType.TEXT_PLAIN_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE})
    @Operation(summary = "A step's whole log (stdout and stderr, redacted, bounded); ?follow=true streams it live as server-sent events")
    @ApiResponse(responseCode = "200", description = "the log as far as it is written, or its live stream",
            content = {@Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string")),
                    @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string"))})
    Object log(@PathVariable("id") UUID id, @PathVariable("tool") String tool,
               @RequestParam(name = "follow", defaultValue = "false") boolean follow,
               @RequestHeader(name = "Accept", required = false) String accept, HttpServletResponse response) throws java.io.IOException {
        scans.requireExists(id);
        String status = stepStatus(id, tool).orElseThrow(() -> ApiException.notFound("step_not_found",
                "scan " + id + " has no step for tool '" + io.nubicustos.gateway.web.Printable.of(tool, 100) + "'"));
        if (follow || (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE))) {
            // why: one caller may not take every stream of the instance (a quota per caller, then the instance's own cap)
            String caller = java.util.Objects.requireNonNullElse(io.nubicustos.gateway.security.AuditTrail.actor(), "anonymous");
            java.util.concurrent.atomic.AtomicInteger mine = followingByCaller.computeIfAbsent(caller,
                    k -> new java.util.concurrent.atomic.AtomicInteger());
            if (mine.incrementAndGet() > maxFollowersPerCaller) {
                mine.decrementAndGet();
                throw ApiException.quotaExceeded("nubicustos.quotas.log-followers", "'" + caller + "' already follows "
                        + maxFollowersPerCaller + " logs live (nubicustos.quotas.log-followers); stop one, or read the log without following it");
            }
            if (following.incrementAndGet() > settings.maxFollowers()) {
                following.decrementAndGet();
                mine.decrementAndGet();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "too_many_followers", null, "this instance already streams "
                        + settings.maxFollowers() + " logs live; try again later, or read the log without following it");
            }
            return LiveLog.start(id, tool, files, () -> stepStatus(id, tool), followers, settings, () -> {
                following.decrementAndGet();
                mine.decrementAndGet();
            }).emitter();
        }
        Optional<FileChannel> log = files.open(id, tool);
        if (log.isEmpty()) {
            throw ApiException.notFound("log_not_found", "step " + tool + " of scan " + id + " has no log"
                    + (StepStatus.fromDb(status) == StepStatus.QUEUED ? " yet: it has not started" : ": its container never ran, or its log was not kept"));
        }
        StreamingResponseBody body = out -> {
            try (FileChannel channel = log.get(); InputStream in = Channels.newInputStream(channel)) {
                in.transferTo(out);
            }
        };
        // why: the answer is one of two kinds (a stream of events or this); its headers are set here, not negotiated
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Step-Status", status);
        return body;
    }

    private Optional<String> stepStatus(UUID id, String tool) {
        return jdbc.sql(STEP_STATUS).param("id", id).param("tool", tool).query(String.class).optional();
    }
}
