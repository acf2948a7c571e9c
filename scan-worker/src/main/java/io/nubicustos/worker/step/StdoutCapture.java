package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.StepFailure;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Saves a tool's standard output as its report, for tools that report on stdout. The report directory
 * is the container's: whatever the tool left there is untrusted.
 * <ul>
 *   <li>The output is written to a new file this worker creates (never opened if it exists), then renamed
 *       into place: a link, FIFO or device node the tool planted under the report's name is neither
 *       followed nor opened. A planted entry of any kind but a regular file fails the step, saying so.</li>
 *   <li>At most {@code maxBytes} are kept, cut at the last whole line; at most {@code timeout} is spent
 *       reading. Either limit is reported in the result, for the step's note.</li>
 * </ul>
 */
@Component
public class StdoutCapture {

    private final DockerEngine engine;

    StdoutCapture(DockerEngine engine) {
        this.engine = engine;
    }

    /**
     * @param bytes      bytes kept in the report
     * @param truncated  the output was longer than the limit; the report ends at the last whole line before it
     * @param timedOut   reading the output took longer than the limit; the report ends at the last whole line read
     */
    public record Result(long bytes, boolean truncated, boolean timedOut) {
        /** What the step's note says about the capture; empty when nothing was cut. */
        public String note(String file, long maxBytes, Duration timeout) {
            if (truncated) {
                return "standard output truncated: " + file + " keeps the first " + bytes + " bytes (the limit is " + maxBytes + ")";
            }
            if (timedOut) {
                return "standard output cut short: reading it took longer than " + timeout + "; " + file + " keeps " + bytes + " bytes";
            }
            return "";
        }
    }

    public Result save(String containerId, Path directory, String fileName, long maxBytes, Duration timeout) {
        return save(containerId, directory, fileName, maxBytes, timeout, false);
    }

    /** @param withStderr keep stderr too, interleaved as the engine recorded it (for tools that log their results there) */
    public Result save(String containerId, Path directory, String fileName, long maxBytes, Duration timeout, boolean withStderr) {
        Path target = directory.resolve(fileName);
        refusePlanted(target);
        Path temp = null;
        try {
            temp = Files.createTempFile(directory, ".stdout-", ".part");
            // why: the report-processor may run as another user of the reports group
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r-----"));
            Written written = stream(containerId, temp, maxBytes, timeout, withStderr);
            if (written.cut()) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    channel.truncate(written.lastLineEnd());
                }
            }
            refusePlanted(target);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            return new Result(written.cut() ? written.lastLineEnd() : written.total(), written.truncated(), written.timedOut());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the tool's standard output to " + target, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // why: a leftover .part file is not read as a report (its name does not match)
                }
            }
        }
    }

    private static void refusePlanted(Path target) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return;
        }
        if (attributes.isRegularFile()) {
            return;
        }
        String kind = attributes.isSymbolicLink() ? "a symbolic link" : attributes.isDirectory() ? "a directory"
                : "a special file (FIFO, socket or device node)";
        throw new StepFailure("the tool left " + kind + " named " + target.getFileName() + " where its standard output is saved"
                + " as its report; it was neither followed nor opened, and no report was saved");
    }

    private record Written(long total, long lastLineEnd, boolean truncated, boolean timedOut) {
        boolean cut() {
            return truncated || timedOut;
        }
    }

    private Written stream(String containerId, Path file, long maxBytes, Duration timeout, boolean withStderr) throws IOException {
        // why: the callback writes them on the engine client's thread; this thread reads them after the wait
        AtomicBoolean over = new AtomicBoolean();
        AtomicLong total = new AtomicLong();
        AtomicLong lastLineEnd = new AtomicLong();
        AtomicReference<IOException> failure = new AtomicReference<>();
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                 @Override
                 public void onNext(Frame frame) {
                     if (over.get() || failure.get() != null) {
                         return;
                     }
                     byte[] payload = frame.getPayload();
                     long written = total.get();
                     int keep = (int) Math.min(payload.length, maxBytes - written);
                     try {
                         out.write(payload, 0, keep);
                     } catch (IOException e) {
                         failure.set(e);
                         return;
                     }
                     for (int i = keep - 1; i >= 0; i--) {
                         if (payload[i] == '\n') {
                             lastLineEnd.set(written + i + 1);
                             break;
                         }
                     }
                     total.addAndGet(keep);
                     if (keep < payload.length) {
                         over.set(true);
                         closeQuietly(this);
                     }
                 }
             }) {
            engine.client().logContainerCmd(containerId).withStdOut(true).withStdErr(withStderr).withFollowStream(false).exec(callback);
            boolean done = callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                closeQuietly(callback);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            return new Written(total.get(), lastLineEnd.get(), over.get(), !done && !over.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while saving the tool's standard output", e);
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<Frame> callback) {
        try {
            callback.close();
        } catch (IOException | RuntimeException ignored) {
            // why: stopping a log stream we no longer want cannot fail in a way that matters
        }
    }
}
