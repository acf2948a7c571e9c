package io.nubicustos.processor.step;

import io.nubicustos.model.files.SafeTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every file a tool left in its report directory, with its size and SHA-256, so that an auditor can tell the findings
 * came from exactly these bytes (the step's {@code reports}). The directory is the container's, so it is walked the
 * way every report is read: links and special files are never followed or opened ({@link SafeTree}). At most
 * {@code maxFiles} are listed and {@code maxHashedBytes} hashed (a tool can leave a sparse file of any size); past
 * that a file is listed with its size and no hash, and the inventory says it is cut.
 */
final class ReportInventory {

    /** @param sha256 the file's SHA-256 in hex, null when the hashing budget was spent */
    record ReportFile(String path, long size, String sha256) {
    }

    /** @param cut more files than were listed, or files too many bytes in to hash */
    record Inventory(List<ReportFile> files, boolean cut) {
    }

    private ReportInventory() {
    }

    static Inventory of(Path directory, int maxFiles, long maxHashedBytes) {
        List<ReportFile> files = new ArrayList<>();
        boolean[] cut = {false};
        long[] hashed = {0};
        try {
            SafeTree.forEachFile(directory, (relative, size, content) -> {
                if (files.size() >= maxFiles) {
                    cut[0] = true;
                    return;
                }
                String sha = null;
                // why: compared by subtraction: a sparse file's size near Long.MAX_VALUE must not wrap the sum around
                if (size <= maxHashedBytes - hashed[0]) {
                    sha = sha256(content, maxHashedBytes - hashed[0]);
                    hashed[0] += size;
                }
                cut[0] |= sha == null;
                files.add(new ReportFile(shown(relative), size, sha));
            }, (relative, size, why) -> {
                // why: a file the tool left unreadable to us is still part of what it left; it is listed, without a hash
                if (files.size() < maxFiles) {
                    files.add(new ReportFile(shown(relative), size, null));
                }
                cut[0] = true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the report directory " + directory, e);
        }
        files.sort((a, b) -> a.path().compareTo(b.path()));
        return new Inventory(List.copyOf(files), cut[0]);
    }

    /** A path as it is stored: 512 characters at most (a tool can nest 32 directories of 255 each). */
    private static String shown(Path relative) {
        String path = relative.toString();
        return path.length() > 512 ? path.substring(0, 512) + "…" : path;
    }

    /** The content's SHA-256, or null if it is longer than {@code budget} (it grew after its size was read). */
    private static String sha256(InputStream content, long budget) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        for (int n; (n = content.read(buffer)) > 0; ) {
            read += n;
            if (read > budget) {
                return null;
            }
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
