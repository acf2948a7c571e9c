package io.nubicustos.gateway.logs;

import io.nubicustos.gateway.system.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One client following a step's log. Every tick it reads what was appended since the last (by offset, reopening the
 * file by name, since the worker replaces the live log with the saved one when the container exits; the saved log
 * starts with the same lines), and sends each whole line as a {@code line} event. It ends with an {@code end} event
 * once the step has left {@code queued} and {@code running} (the worker saves the whole log before that) and the
 * file is read to its end; a step that is deleted ends it too. A client that goes away, or the follow timeout, stops it.
 */
final class LiveLog {

    private static final Logger log = LoggerFactory.getLogger(LiveLog.class);
    private static final int MAX_READ = 256 * 1024;
    private static final int MAX_LINE = 64 * 1024;

    private final UUID scanId;
    private final String tool;
    private final StepLogFiles files;
    private final Supplier<Optional<String>> status;
    private final SseEmitter emitter;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long offset;
    private volatile ScheduledFuture<?> ticks;
    private volatile boolean over;

    private LiveLog(UUID scanId, String tool, StepLogFiles files, Supplier<Optional<String>> status, long timeoutMillis) {
        this.scanId = scanId;
        this.tool = tool;
        this.files = files;
        this.status = status;
        this.emitter = new SseEmitter(timeoutMillis);
    }

    static LiveLog start(UUID scanId, String tool, StepLogFiles files, Supplier<Optional<String>> status,
                         ScheduledExecutorService scheduler, GatewayProperties.Logs settings) {
        LiveLog live = new LiveLog(scanId, tool, files, status, settings.followTimeout().toMillis());
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

    private void stop() {
        over = true;
        ScheduledFuture<?> scheduled = ticks;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private synchronized void tick() {
        if (over) {
            return;
        }
        try {
            // why: the status is read before the file, so a step seen finished has its saved log in place already
            Optional<String> step = status.get();
            boolean finished = step.isEmpty() || !(step.get().equals("queued") || step.get().equals("running"));
            boolean atEnd = readAppended();
            if (finished && atEnd) {
                if (partial.size() > 0) {
                    send(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                }
                emitter.send(SseEmitter.event().name("end").data(Map.of("status", step.orElse("deleted")),
                        org.springframework.http.MediaType.APPLICATION_JSON));
                stop();
                emitter.complete();
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
        Optional<FileChannel> opened = files.open(scanId, tool);
        if (opened.isEmpty()) {
            return true;
        }
        try (FileChannel channel = opened.get()) {
            long size = channel.size();
            if (size < offset) {
                // why: the saved log replaced the live one and is shorter (the live copy was started twice); start over
                offset = 0;
                partial.reset();
                emitter.send(SseEmitter.event().name("reset").data("the log was rewritten; it is sent again from its start"));
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_READ, Math.max(0, size - offset)));
            channel.position(offset);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read what is there, up to the buffer's size
            }
            buffer.flip();
            offset += buffer.remaining();
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

    private void send(String line) throws IOException {
        // why: a server-sent event's data cannot hold a line break; the worker's lines have none, a CR is dropped
        emitter.send(SseEmitter.event().name("line").data(line.replace("\r", "")));
    }
}
