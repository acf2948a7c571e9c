package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.DockerEngine;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.nubicustos.model.logs.Redaction;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A step's whole log: stdout and stderr as the engine stored them (stderr lines marked {@code [stderr] }), each line
 * redacted of credentials, at most {@code log-max-size} bytes, ending with a line that says so when the tool wrote
 * more. It lives in the scan's {@code .logs} directory, which no container mounts.
 * <ul>
 *   <li>While the container runs, its output is copied into the log as it comes ({@link #follow}), so the API can
 *       serve it live; a worker that adopts the container starts the copy again from the beginning.</li>
 *   <li>When the container has exited, the whole log is written again from the engine's copy into a new file that
 *       replaces the live one ({@link #save}): the saved log is complete even if the live copy missed something
 *       (the engine restarted, the worker did). The step leaves {@code running} only after that.</li>
 * </ul>
 */
@Component
public class StepLogs {

    private static final Logger log = LoggerFactory.getLogger(StepLogs.class);
    private static final int MAX_LINE = 64 * 1024;
    private static final byte[] STDERR = "[stderr] ".getBytes(StandardCharsets.UTF_8);

    private final DockerEngine engine;
    private final ReportDirectories directories;
    private final long maxBytes;

    StepLogs(DockerEngine engine, ReportDirectories directories, WorkerProperties properties) {
        this.engine = engine;
        this.directories = directories;
        this.maxBytes = properties.worker().logMaxSize().toBytes();
    }

    /** A copy in progress; closing it stops the copy. */
    public interface Live extends AutoCloseable {
        @Override
        void close();
    }

    /** Starts copying the running container's output into the step's log; never throws (a failed copy is logged). */
    public Live follow(UUID scanId, String tool, String containerId, Redaction redaction) {
        try {
            Path dir = directories.logsDirectory(scanId);
            Path file = directories.logFile(scanId, tool);
            // why: a new file renamed into place, never the old one truncated: a worker that still copies into the old
            // one (it lost the step to this one) writes to a file nobody reads, not into the middle of this copy
            Path fresh = Files.createTempFile(dir, "." + tool + "-live-", ".part");
            directories.makeGroupReadable(fresh);
            OutputStream out = Files.newOutputStream(fresh, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Lines lines = new Lines(out, redaction, maxBytes, true);
            engine.client().logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true).exec(lines);
            return () -> {
                closeQuietly(lines);
                lines.finish();
            };
        } catch (IOException | RuntimeException e) {
            log.debug("The live log of {} ({}) cannot be followed: {}", tool, containerId, e.toString());
            return () -> {
            };
        }
    }

    /**
     * Writes the exited container's whole log, replacing the live copy; never throws. Gives up after {@code timeout}
     * (a log is bounded, so this is only for an engine that stops answering), keeping what it had.
     */
    public void save(UUID scanId, String tool, String containerId, Redaction redaction, java.time.Duration timeout) {
        Path temp = null;
        try {
            Path dir = directories.logsDirectory(scanId);
            Path file = directories.logFile(scanId, tool);
            temp = Files.createTempFile(dir, "." + tool + "-", ".part");
            directories.makeGroupReadable(temp);
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                Lines lines = new Lines(out, redaction, maxBytes, false);
                try (lines) {
                    engine.client().logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(false).exec(lines);
                    if (!lines.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("Saving the log of {} ({}) took longer than {}; it keeps what was read", tool, containerId, timeout);
                    }
                }
                lines.finish();
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            log.warn("The whole log of {} ({}) could not be saved: {}; the step keeps its log tail", tool, containerId, e.toString());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // why: a leftover .part file is never served (its name is not a step's log)
                }
            }
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<Frame> callback) {
        try {
            callback.close();
        } catch (IOException | RuntimeException ignored) {
            // why: stopping a log stream we no longer want cannot fail in a way that matters
        }
    }

    /**
     * Turns the engine's frames into redacted lines in the file. Each stream's partial line is held until its end
     * (at most {@link #MAX_LINE} bytes; a longer line is written in pieces), so a secret split across frames is still
     * redacted. Frames arrive on the engine client's thread; {@link #finish()} runs after the stream ended.
     */
    private static final class Lines extends ResultCallback.Adapter<Frame> {
        private final OutputStream out;
        private final Redaction redaction;
        private final long maxBytes;
        private final boolean flushEachFrame;
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private long written;
        private boolean full;
        private boolean finished;

        Lines(OutputStream out, Redaction redaction, long maxBytes, boolean flushEachFrame) {
            this.out = out;
            this.redaction = redaction;
            this.maxBytes = maxBytes;
            this.flushEachFrame = flushEachFrame;
        }

        @Override
        public synchronized void onNext(Frame frame) {
            if (full || finished) {
                return;
            }
            boolean isStderr = frame.getStreamType() == StreamType.STDERR;
            ByteArrayOutputStream pending = isStderr ? stderr : stdout;
            try {
                for (byte b : frame.getPayload()) {
                    if (b == '\n' || pending.size() >= MAX_LINE) {
                        line(pending, isStderr);
                        if (b == '\n') {
                            continue;
                        }
                    }
                    pending.write(b);
                }
                if (flushEachFrame) {
                    out.flush();
                }
            } catch (IOException e) {
                full = true;
                log.debug("Could not write a log line: {}", e.toString());
            }
        }

        private void line(ByteArrayOutputStream pending, boolean isStderr) throws IOException {
            if (full) {
                pending.reset();
                return;
            }
            String text = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            byte[] bytes = (redaction.apply(text) + "\n").getBytes(StandardCharsets.UTF_8);
            long size = bytes.length + (isStderr ? STDERR.length : 0);
            if (written + size > maxBytes) {
                full = true;
                out.write(("[nubicustos] log truncated: the first " + written + " bytes are kept (the limit is " + maxBytes
                        + " bytes); the tool wrote more\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                // why: nothing more is kept, so nothing more is read (a tool may write gigabytes)
                closeQuietly(this);
                return;
            }
            if (isStderr) {
                out.write(STDERR);
            }
            out.write(bytes);
            written += size;
        }

        /** Writes the partial last lines and closes the file. */
        synchronized void finish() {
            if (finished) {
                return;
            }
            try {
                if (stdout.size() > 0) {
                    line(stdout, false);
                }
                if (stderr.size() > 0) {
                    line(stderr, true);
                }
                out.flush();
            } catch (IOException e) {
                log.debug("Could not finish a log: {}", e.toString());
            } finally {
                finished = true;
                try {
                    out.close();
                } catch (IOException ignored) {
                    // why: nothing more can be done for a log file that does not close
                }
            }
        }
    }
}
