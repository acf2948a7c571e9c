package io.nubicustos.model.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.Comparator;

/**
 * Walks and deletes directory trees that untrusted code (a scanner container) may have filled, and may
 * still be changing, without ever leaving them. Every step is taken relative to a directory already
 * opened ({@link SecureDirectoryStream}, {@code openat} underneath), and no link is ever followed: a
 * directory swapped for a link to {@code /} between two steps is unlinked or skipped, never entered.
 * Special files (FIFOs, sockets, devices) are never opened, so nothing here can block on one.
 */
public final class SafeTree {

    /** Deeper than any report; deeper trees are not walked further. */
    public static final int MAX_DEPTH = 32;

    private SafeTree() {
    }

    /** Receives a regular file: its path relative to the root, its size, and a stream of its content. */
    @FunctionalInterface
    public interface FileVisitor {
        void visit(Path relative, long size, InputStream content) throws IOException;
    }

    /**
     * Deletes {@code root} and everything below it, never following a link (a link is removed, its target
     * left alone). Answers whether everything is gone.
     */
    public static boolean delete(Path root) {
        try {
            BasicFileAttributes attributes = attributesOf(root);
            if (attributes == null) {
                return true;
            }
            if (!attributes.isDirectory()) {
                Files.deleteIfExists(root);
                return true;
            }
            boolean all;
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
                all = stream instanceof SecureDirectoryStream<Path> secure ? deleteContents(secure, 0) : deleteWalking(root);
            }
            Files.deleteIfExists(root);
            return all;
        } catch (IOException e) {
            return false;
        }
    }

    /** Receives a regular file that cannot be opened (another user's, mode 0600): its path, its size and why. */
    @FunctionalInterface
    public interface UnreadableVisitor {
        void visit(Path relative, long size, IOException why) throws IOException;
    }

    /** Visits every regular file below {@code root} (links and special files skipped), at most {@link #MAX_DEPTH} deep. */
    public static void forEachFile(Path root, FileVisitor visitor) throws IOException {
        forEachFile(root, visitor, (relative, size, why) -> {
            throw why;
        });
    }

    /** As {@link #forEachFile(Path, FileVisitor)}, with a file that cannot be opened handed to {@code unreadable}. */
    public static void forEachFile(Path root, FileVisitor visitor, UnreadableVisitor unreadable) throws IOException {
        BasicFileAttributes attributes = attributesOf(root);
        if (attributes == null || !attributes.isDirectory()) {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
            if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("this file system cannot walk " + root + " without following links");
            }
            visit(secure, Path.of(""), visitor, unreadable, 0);
        }
    }

    private static void visit(SecureDirectoryStream<Path> directory, Path relative, FileVisitor visitor, UnreadableVisitor unreadable,
                              int depth) throws IOException {
        for (Path entry : directory) {
            Path name = entry.getFileName();
            BasicFileAttributes attributes;
            try {
                attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (IOException gone) {
                continue;
            }
            if (attributes.isDirectory() && depth < MAX_DEPTH) {
                try (SecureDirectoryStream<Path> child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    visit(child, relative.resolve(name.toString()), visitor, unreadable, depth + 1);
                } catch (IOException swappedOrGone) {
                    // why: it stopped being a directory between the two calls; a link is never entered
                }
            } else if (attributes.isRegularFile()) {
                SeekableByteChannel channel;
                try {
                    channel = directory.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                } catch (java.nio.file.AccessDeniedException denied) {
                    unreadable.visit(relative.resolve(name.toString()), attributes.size(), denied);
                    continue;
                }
                try (channel; InputStream in = Channels.newInputStream(channel)) {
                    visitor.visit(relative.resolve(name.toString()), attributes.size(), in);
                }
            }
        }
    }

    private static boolean deleteContents(SecureDirectoryStream<Path> directory, int depth) {
        boolean all = true;
        for (Path entry : directory) {
            Path name = entry.getFileName();
            try {
                BasicFileAttributes attributes = directory.getFileAttributeView(name, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).readAttributes();
                if (attributes.isDirectory()) {
                    if (depth >= MAX_DEPTH) {
                        all = false;
                        continue;
                    }
                    try (SecureDirectoryStream<Path> child = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        all &= deleteContents(child, depth + 1);
                    }
                    directory.deleteDirectory(name);
                } else {
                    directory.deleteFile(name);
                }
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    /** Where the file system offers no secure stream: links are still removed, never followed. */
    private static boolean deleteWalking(Path root) throws IOException {
        boolean[] all = {true};
        try (var walk = Files.walk(root, MAX_DEPTH)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root)).forEach(p -> all[0] &= p.toFile().delete());
        }
        return all[0];
    }

    private static BasicFileAttributes attributesOf(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return null;
        }
    }
}
