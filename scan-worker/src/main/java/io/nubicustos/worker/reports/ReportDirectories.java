package io.nubicustos.worker.reports;

import io.nubicustos.model.files.SafeTree;
import io.nubicustos.model.reports.ReportLayout;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.UUID;
import com.sun.security.auth.module.UnixSystem;
import java.nio.file.FileSystemException;

/**
 * The directories a worker gives its containers, under the reports root: each step's own report
 * directory {@code <reports>/<scan_id>/<tool>/} and each execution's staged credentials
 * {@code <reports>/.credentials/<execution_id>/}.
 *
 * <p>why: they are not writable by every local user. A report directory belongs to this process's user
 * and the reports group ({@code 2770}, set-group-id so files the tool writes stay in the group); the
 * container gets that group as a supplementary group, so a tool that runs as an unprivileged user of its
 * own image can still write, and nobody else on the host can. Staged credentials are {@code 2750}: the
 * tool may read them, not change them.
 */
@Component
public class ReportDirectories {

    private static final Logger log = LoggerFactory.getLogger(ReportDirectories.class);
    /** The group used when this process runs in the root group: a group of our own, not root's. */
    public static final int DEFAULT_GROUP = 47990;
    private static final int REPORT_MODE = 02770;
    private static final int SCAN_MODE = 02750;
    private static final int CREDENTIALS_MODE = 02750;
    private static final int FILE_MODE = 0640;

    private final ReportLayout layout;
    private final String hostPath;
    private final int group;

    ReportDirectories(WorkerProperties properties) {
        this.layout = new ReportLayout(properties.reports().path());
        this.hostPath = properties.reports().hostPath();
        this.group = resolveGroup(properties.reports().groupId());
    }

    private static int resolveGroup(Integer configured) {
        if (configured != null) {
            return configured;
        }
        var self = new UnixSystem();
        // why: root gets a group of our own rather than root's; anyone else can only hand out a group it is in (its own)
        return self.getUid() == 0 && self.getGid() == 0 ? DEFAULT_GROUP : (int) self.getGid();
    }

    /** The group the containers are given, so that they can write their report directory. */
    public int group() {
        return group;
    }

    public Path reportDirectory(UUID scanId, String tool) {
        return layout.stepDirectory(scanId, tool);
    }

    /** The same directory as the Docker host sees it. */
    public String hostPathOf(Path directory) {
        return layout.onHost(hostPath, directory);
    }

    /**
     * A fresh, empty report directory for a step's attempt: whatever an earlier attempt left is removed
     * (links are removed, never followed), so it cannot be read as this attempt's report.
     */
    public Path prepare(UUID scanId, String tool) {
        Path scanDir = layout.scanDirectory(scanId);
        Path dir = layout.stepDirectory(scanId, tool);
        try {
            createWithMode(scanDir, SCAN_MODE);
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !SafeTree.delete(dir)) {
                // why: what an earlier attempt's tool left and this process may not delete (files of another user)
                // must still never be read as this attempt's report: the whole directory is moved out of the way
                Path stale = scanDir.resolve(".stale-" + tool + "-" + UUID.randomUUID());
                Files.move(dir, stale);
                log.warn("Could not empty {} (an earlier attempt left files this worker may not delete); moved it to {}", dir, stale);
            }
            createWithMode(dir, REPORT_MODE);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare report directory " + dir, e);
        }
    }

    /**
     * The scan's logs directory, created if missing; only this worker writes it (no container mounts it), the reports
     * group reads it.
     */
    public Path logsDirectory(UUID scanId) {
        Path dir = layout.logsDirectory(scanId);
        try {
            createWithMode(layout.scanDirectory(scanId), SCAN_MODE);
            createWithMode(dir, SCAN_MODE);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    public Path logFile(UUID scanId, String tool) {
        return layout.logFile(scanId, tool);
    }

    /** Fails unless a file can be written to and removed from the reports root (a full disk, a lost mount). */
    public void checkWritable() {
        Path probe = layout.root().resolve(".probe-" + UUID.randomUUID());
        try {
            Files.writeString(probe, "probe");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the reports directory " + layout.root(), e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // why: a probe file left behind is harmless; the write above is what was checked
            }
        }
    }

    public Path credentialsRoot() {
        return layout.credentialsRoot();
    }

    /** An execution's staged-credentials directory, created empty. */
    public Path credentialsDirectory(String executionId) {
        return credentialsDirectory(executionId, true);
    }

    public Path credentialsDirectory(String executionId, boolean create) {
        Path dir = layout.credentialsDirectory(executionId);
        if (create) {
            try {
                createWithMode(credentialsRoot(), 0750);
                SafeTree.delete(dir);
                createWithMode(dir, CREDENTIALS_MODE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        }
        return dir;
    }

    /** Owner read-write, group read, nobody else. */
    public void makeGroupReadable(Path file) throws IOException {
        setMode(file, FILE_MODE);
    }

    private void createWithMode(Path dir, int mode) throws IOException {
        Files.createDirectories(dir);
        setMode(dir, mode);
    }

    private void setMode(Path path, int mode) throws IOException {
        try {
            Files.setAttribute(path, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException notAllowed) {
            log.warn("Cannot give {} to group {} ({}); set nubicustos.reports.group-id to a group this process is in", path, group,
                    notAllowed.getMessage());
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            log.debug("Cannot set the group of {} ({})", path, notUnix.toString());
        }
        try {
            Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            // why: on a file system without unix attributes the engine's own permissions apply
            log.debug("Cannot set the mode of {} ({})", path, notUnix.toString());
        }
    }
}
