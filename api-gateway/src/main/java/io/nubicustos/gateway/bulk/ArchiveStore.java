package io.nubicustos.gateway.bulk;

import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The archives directory. A name is a plain file name ending in {@code .zip}: letters, digits,
 * {@code . _ -}, no path separators, no {@code ..}, not absolute. It is checked twice — by pattern,
 * and by resolving it and requiring the result to sit directly in the archives directory — so a
 * name can never reach outside it.
 */
@Component
class ArchiveStore {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\\.zip");

    private final Path directory;

    ArchiveStore(GatewayProperties properties) {
        this.directory = properties.archives().path().toAbsolutePath().normalize();
    }

    Path directory() {
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the archives directory " + directory, e);
        }
    }

    /** The archive's path; 400 for a name that is not a plain .zip file name. */
    Path resolve(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiException.badRequest("name", "an archive name is a plain file name of letters, digits, '.', '_' or '-' ending in .zip"
                    + " (no '/', no '..')");
        }
        Path path = directory.resolve(name).normalize();
        if (!directory.equals(path.getParent())) {
            throw ApiException.badRequest("name", "archive name escapes the archives directory");
        }
        return path;
    }

    Path existing(String name) {
        Path path = resolve(name);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("archive_not_found", "no archive named " + name);
        }
        return path;
    }

    List<Archive> list() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .map(p -> {
                        try {
                            return new Archive(p.getFileName().toString(), Files.size(p), Files.getLastModifiedTime(p).toInstant());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Archive(String name, long sizeBytes, Instant createdAt) {
    }
}
