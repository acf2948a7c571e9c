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
        Path file = layout.logFile(scanId, tool);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(channel);
        } catch (java.nio.file.NoSuchFileException absent) {
            return Optional.empty();
        }
    }
}
