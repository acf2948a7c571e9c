package io.nubicustos.gateway.bulk;

import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.gateway.finding.FindingExports;
import io.nubicustos.gateway.scan.ScanQueries.StepView;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.model.files.SafeTree;
import io.nubicustos.model.reports.ReportLayout;
import io.nubicustos.model.reports.WithheldReports;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import java.io.FilterOutputStream;
import io.nubicustos.gateway.logs.StepLogFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a ZIP of scans: per scan, {@code scan.json} (the scan and its steps), {@code findings.json}
 * (streamed from the database), {@code reports/<tool>/…} (the tools' report files, symlinks
 * skipped) and {@code logs/<tool>.log} (each tool's whole log). The ZIP is streamed to a temporary file in the archives directory and moved into place
 * when complete, so no half-written archive is ever listed.
 */
@Component
class ScanArchiver {

    private final ScanQueries scans;
    private final FindingExports findings;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final ReportLayout reports;
    private final StepLogFiles logs;

    ScanArchiver(ScanQueries scans, FindingExports findings, TransactionTemplate tx, ObjectMapper json, GatewayProperties properties,
                 StepLogFiles logs) {
        this.logs = logs;
        this.scans = scans;
        this.findings = findings;
        this.tx = tx;
        this.json = json;
        this.reports = properties.reports().layout();
    }

    void write(List<UUID> scanIds, Path target, Path directory) {
        Path temp = directory.resolve(".writing-" + UUID.randomUUID());
        try {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(temp))) {
                for (UUID scanId : scanIds) {
                    List<StepView> steps = scans.steps(scanId);
                    Map<String, Object> scan = new LinkedHashMap<>();
                    scan.put("scan", scans.scan(scanId));
                    scan.put("steps", steps);
                    scan.put("reports_left_out", steps.stream().filter(step -> !hasExited(step))
                            .map(step -> step.tool() + " (" + step.status() + ": its container may still be writing)").toList());
                    scan.put("reports_withheld", withheld(steps));
                    zip.putNextEntry(new ZipEntry(scanId + "/scan.json"));
                    json.writeValue(new NonClosing(zip), scan);
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry(scanId + "/findings.json"));
                    tx.executeWithoutResult(s -> findings.writeJson(scanId, new NonClosing(zip)));
                    zip.closeEntry();
                    addReports(zip, scanId, steps);
                    addLogs(zip, scanId, steps);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write archive " + target.getFileName(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // why: a leftover temporary file is not listed (its name does not end in .zip)
            }
        }
    }

    /**
     * Adds the report files of the scan's steps whose container has exited for sure (succeeded or failed):
     * nothing else can be writing them. Files are read one directory at a time, relative to directories
     * already opened, never following a link and never opening anything but a regular file.
     */
    private void addReports(ZipOutputStream zip, UUID scanId, List<StepView> steps) throws IOException {
        for (StepView step : steps) {
            if (!hasExited(step)) {
                continue;
            }
            Path dir = reports.stepDirectory(scanId, step.tool());
            String prefix = scanId + "/reports/" + entryName(Path.of(step.tool())) + "/";
            SafeTree.forEachFile(dir, (relative, size, content) -> {
                // why: a tool's database or credential files hold secrets, not results; the manifest says what was withheld
                if (WithheldReports.reason(relative).isPresent()) {
                    return;
                }
                zip.putNextEntry(new ZipEntry(prefix + entryName(relative)));
                content.transferTo(zip);
                zip.closeEntry();
            });
        }
    }

    /** The report files left out for holding secrets, by tool, path and why (their size and hash are in the steps). */
    private static List<Map<String, String>> withheld(List<StepView> steps) {
        List<Map<String, String>> withheld = new java.util.ArrayList<>();
        for (StepView step : steps) {
            for (var file : step.reports() == null ? List.<io.nubicustos.gateway.scan.ScanQueries.ReportFile>of() : step.reports()) {
                WithheldReports.reason(Path.of(file.path())).ifPresent(reason -> withheld.add(Map.of("tool", step.tool(), "path", file.path(),
                        "reason", reason)));
            }
        }
        return withheld;
    }

    /** Adds each exited step's whole log as {@code logs/<tool>.log} (the worker saved it before the step left running). */
    private void addLogs(ZipOutputStream zip, UUID scanId, List<StepView> steps) throws IOException {
        for (StepView step : steps) {
            if (!hasExited(step)) {
                continue;
            }
            Optional<FileChannel> log = logs.open(scanId, step.tool());
            if (log.isEmpty()) {
                continue;
            }
            try (FileChannel channel = log.get(); InputStream in = Channels.newInputStream(channel)) {
                zip.putNextEntry(new ZipEntry(scanId + "/logs/" + entryName(Path.of(step.tool())) + ".log"));
                in.transferTo(zip);
                zip.closeEntry();
            }
        }
    }

    /** A succeeded or failed step's container has exited for sure; a queued, running or cancelled one's may not have. */
    private static boolean hasExited(StepView step) {
        StepStatus status = StepStatus.fromDb(step.status());
        return status == StepStatus.SUCCEEDED || status == StepStatus.FAILED;
    }

    /**
     * A report file's path as a ZIP entry name that cannot escape the folder it is extracted into, on any
     * system: each segment keeps letters, digits, {@code . _ -} and has every other byte percent-encoded, so
     * a tool's file named {@code ..\\..\\x} becomes one harmless name ({@code ..%5C..%5Cx}), never a path.
     * (A walked path has no {@code .} or {@code ..} segment of its own.)
     */
    static String entryName(Path relative) {
        StringBuilder name = new StringBuilder();
        for (Path segment : relative) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            for (byte b : segment.toString().getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                    name.append(c);
                } else {
                    name.append('%').append(String.format("%02X", b & 0xff));
                }
            }
        }
        return name.toString();
    }

    /** Lets a writer "close" its stream without closing the ZIP under it. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
