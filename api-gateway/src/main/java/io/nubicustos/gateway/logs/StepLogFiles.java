package io.nubicustos.gateway.logs;

import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.model.reports.ReportLayout;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens a step's whole log, which the worker keeps in the scan's {@code .logs} directory (no container mounts it;
 * still, nothing here follows a link or opens anything but a regular file).
 */
@Component
public class StepLogFiles {

    private final ReportLayout layout;

    StepLogFiles(GatewayProperties properties) {
        this.layout = properties.reports().layout();
    }

    /** The log, open for reading, or empty when there is none (yet). The caller closes it. */
    public Optional<FileChannel> open(UUID scanId, String tool) throws IOException {
        return openWithIdentity(scanId, tool).map(Opened::channel);
    }

    /** An open log and the identity of the file opened (the worker replaces the live copy with the saved log). */
    public record Opened(FileChannel channel, Object fileKey) {
    }

    public Optional<Opened> openWithIdentity(UUID scanId, String tool) throws IOException {
        Path file = layout.logFile(scanId, tool);
        try {
            // why: checked before opening, so a FIFO never blocks the read; only the worker writes this directory
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new Opened(FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), attributes.fileKey()));
        } catch (java.nio.file.NoSuchFileException absent) {
            return Optional.empty();
        } catch (java.nio.file.FileSystemException notAFile) {
            // why: a link (NOFOLLOW_LINKS refuses to open one: ELOOP) or a directory is not a log
            return Optional.empty();
        }
    }
}
