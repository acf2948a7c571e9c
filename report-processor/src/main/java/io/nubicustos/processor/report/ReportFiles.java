package io.nubicustos.processor.report;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds report files inside a step's directory without ever leaving it: symbolic links are neither
 * followed nor read, and the search depth is bounded, so a tool cannot point the processor at a file
 * outside its own report directory.
 */
public final class ReportFiles {

    private static final int MAX_DEPTH = 6;

    private ReportFiles() {
    }

    /** {@link #matching}, where finding none is the report's error, naming what was looked for ({@code what (*suffix)}). */
    public static List<Path> required(Path reportDir, String suffix, String what) throws ReportException {
        List<Path> files = matching(reportDir, suffix);
        if (files.isEmpty()) {
            throw new ReportException("no " + what + " (*" + suffix + ") in " + reportDir);
        }
        return files;
    }

    public static List<Path> matching(Path reportDir, String suffix) throws ReportException {
        if (!Files.isDirectory(reportDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ReportException("report directory " + reportDir + " does not exist");
        }
        Path root = reportDir.toAbsolutePath().normalize();
        try (Stream<Path> walk = Files.walk(root, MAX_DEPTH, new FileVisitOption[0])) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(p -> p.normalize().startsWith(root))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ReportException("cannot list report directory " + reportDir + ": " + e.getMessage());
        }
    }
}
