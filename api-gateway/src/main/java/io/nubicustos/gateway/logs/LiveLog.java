package io.nubicustos.gateway.logs;

import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.gateway.system.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * One client following a step's log. Every tick it reads what was appended since the last, by offset, reopening the
 * file by name, and sends each whole line as a {@code line} event. The worker replaces the live copy with the saved
 * log when the container exits (and starts a new live copy when it adopts one): when the file is another one, the
 * bytes already sent are compared (by checksum) with the new file's start; the same, it carries on, else it sends
 * {@code reset} and starts over. It ends with {@code end} once the step has left {@code queued} and {@code running}
 * (the worker saves the whole log before that) and the file is read to its end; a step that is deleted ends it too. A
 * comment every {@code heartbeat} keeps proxies from closing a quiet stream and finds clients that went away; the
 * follow timeout stops it.
 */
final class LiveLog {

    private static final Logger log = LoggerFactory.getLogger(LiveLog.class);
    private static final int MAX_READ = 256 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final long STATUS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long HEARTBEAT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final UUID scanId;
    private final String tool;
    private final StepLogFiles files;
    private final Supplier<Optional<String>> status;
    private final SseEmitter emitter;
    private final Runnable onStop;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final CRC32 sent = new CRC32();
    private Object fileKey;
    private long offset;
    private long statusReadAt;
    private long lastWriteAt = System.nanoTime();
    private Optional<String> lastStatus = Optional.empty();
    private volatile ScheduledFuture<?> ticks;
    private volatile boolean over;

    private LiveLog(UUID scanId, String tool, StepLogFiles files, Supplier<Optional<String>> status, long timeoutMillis, Runnable onStop) {
        this.scanId = scanId;
        this.tool = tool;
        this.files = files;
        this.status = status;
        this.onStop = onStop;
        this.emitter = new SseEmitter(timeoutMillis);
    }

    /** @param onStop runs once when the follower stops, however it stops */
    static LiveLog start(UUID scanId, String tool, StepLogFiles files, Supplier<Optional<String>> status,
                         ScheduledExecutorService scheduler, GatewayProperties.Logs settings, Runnable onStop) {
        LiveLog live = new LiveLog(scanId, tool, files, status, settings.followTimeout().toMillis(), onStop);
        live.emitter.onCompletion(live::stop);
        live.emitter.onTimeout(live::stop);
        live.emitter.onError(e -> live.stop());
        long every = settings.followInterval().toMillis();
        live.ticks = scheduler.scheduleWithFixedDelay(live::tick, 0, every, TimeUnit.MILLISECONDS);
        return live;
    }

    SseEmitter emitter() {
        return emitter;
    }

    private synchronized void stop() {
        if (over) {
            return;
        }
        over = true;
        ScheduledFuture<?> scheduled = ticks;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        onStop.run();
    }

    private synchronized void tick() {
        if (over) {
            return;
        }
        try {
            long now = System.nanoTime();
            boolean fresh = statusReadAt == 0 || now - statusReadAt >= STATUS_EVERY_NANOS;
            if (fresh) {
                // why: the status is read before the file, so a step seen finished has its saved log in place already
                lastStatus = status.get();
                statusReadAt = now;
            }
            boolean finished = lastStatus.map(StepStatus::fromDb).map(s -> s != StepStatus.QUEUED && s != StepStatus.RUNNING).orElse(true);
            boolean atEnd = readAppended();
            if (fresh && finished && atEnd) {
                if (partial.size() > 0) {
                    send(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                }
                emitter.send(SseEmitter.event().name("end").data(Map.of("status", lastStatus.orElse("deleted")), MediaType.APPLICATION_JSON));
                stop();
                emitter.complete();
                return;
            }
            if (now - lastWriteAt >= HEARTBEAT_EVERY_NANOS) {
                emitter.send(SseEmitter.event().comment("still following"));
                lastWriteAt = now;
            }
        } catch (IOException | IllegalStateException e) {
            // why: the client went away (or the response was completed); nothing is left to send to
            stop();
        } catch (RuntimeException e) {
            log.warn("Following the log of {} in scan {} failed: {}", tool, scanId, e.toString());
            stop();
            emitter.completeWithError(e);
        }
    }

    /** Sends the lines appended since the last tick; answers whether the file was read to its end. */
    private boolean readAppended() throws IOException {
        Optional<StepLogFiles.Opened> opened = files.openWithIdentity(scanId, tool);
        if (opened.isEmpty()) {
            return true;
        }
        try (FileChannel channel = opened.get().channel()) {
            long size = channel.size();
            if (fileKey != null && !Objects.equals(fileKey, opened.get().fileKey()) && !startsWithWhatWasSent(channel, size)) {
                offset = 0;
                sent.reset();
                partial.reset();
                emitter.send(SseEmitter.event().name("reset").data("the log was rewritten; it is sent again from its start"));
                lastWriteAt = System.nanoTime();
            }
            fileKey = opened.get().fileKey();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_READ, Math.max(0, size - offset)));
            channel.position(offset);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read what is there, up to the buffer's size
            }
            buffer.flip();
            offset += buffer.remaining();
            sent.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n' || partial.size() >= MAX_LINE) {
                    send(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                    if (b == '\n') {
                        continue;
                    }
                }
                partial.write(b);
            }
            return offset >= size;
        }
    }

    /** Whether the (new) file starts with the bytes read so far. */
    private boolean startsWithWhatWasSent(FileChannel channel, long size) throws IOException {
        if (size < offset) {
            return false;
        }
        CRC32 prefix = new CRC32();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long left = offset;
        channel.position(0);
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int read = channel.read(buffer);
            if (read <= 0) {
                return false;
            }
            buffer.flip();
            prefix.update(buffer);
            left -= read;
        }
        return prefix.getValue() == sent.getValue();
    }

    private void send(String line) throws IOException {
        // why: a server-sent event's data cannot hold a line break; the worker's lines have none, a CR is dropped
        emitter.send(SseEmitter.event().name("line").data(line.replace("\r", "")));
        lastWriteAt = System.nanoTime();
    }
}
