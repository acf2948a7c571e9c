package io.nubicustos.processor.step;

import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.processor.report.BoundedLines;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A tool that exited as if it had succeeded but had not: CloudFox prints "Could not get caller's identity" and exits 0
 * having written nothing, Cartography exits 0 when no profile synced, CloudSploit leaves an empty JSON file. From the
 * catalog: a tool whose successful run always leaves a non-empty file ({@code output_required}) and left none failed;
 * a line of its log matching one of its {@code failure_lines} (each as the tool's fact sheet records it, anchors and
 * all, matched on the line without the worker's {@code [stderr] } mark) means it failed when the tool reported nothing,
 * and is a note when it did report: a name in the scanned account that happens to read like a failure line must not
 * throw away what the tool found. Never a silent success.
 */
final class SilentFailures {

    private static final String STDERR_MARK = "[stderr] ";
    /** Lines are matched up to this length: enough for any tool's own message, short enough that no pattern runs long. */
    private static final int MAX_LINE = 4 * 1024;
    private static final int SHOWN = 300;

    private SilentFailures() {
    }

    /** Why the step failed although its exit code was expected: it left nothing, which a successful run never does. */
    static Optional<String> noOutput(ToolDefinition tool, List<ReportInventory.ReportFile> files) {
        if (!tool.outputRequired() || files == null || files.stream().anyMatch(f -> f.size() > 0)) {
            return Optional.empty();
        }
        return Optional.of(tool.name() + " left no output (" + (files.isEmpty() ? "an empty report directory" : "only empty files: "
                + files.stream().limit(10).map(ReportInventory.ReportFile::path).toList()) + "), which a successful run of it never does");
    }

    /** The first line of the step's log that says the tool failed, shown safely; empty when none does. */
    static Optional<String> failureLine(ToolDefinition tool, Path log) {
        if (tool.failureLines().isEmpty()) {
            return Optional.empty();
        }
        List<Pattern> patterns = tool.failureLines().stream().map(Pattern::compile).toList();
        return firstMatching(log, patterns).map(SilentFailures::shown);
    }

    private static Optional<String> firstMatching(Path log, List<Pattern> patterns) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(log, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
        } catch (IOException absent) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(channel);
             BoundedLines lines = new BoundedLines(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), MAX_LINE)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                String text = line.startsWith(STDERR_MARK) ? line.substring(STDERR_MARK.length()) : line;
                for (Pattern pattern : patterns) {
                    if (pattern.matcher(text).find()) {
                        return Optional.of(text);
                    }
                }
            }
        } catch (IOException unreadable) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The line as it can be stored and shown: no control characters (PostgreSQL refuses NUL in text), at most 300 characters. */
    static String shown(String line) {
        String clean = line.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > SHOWN ? clean.substring(0, SHOWN) + "…" : clean;
    }
}
