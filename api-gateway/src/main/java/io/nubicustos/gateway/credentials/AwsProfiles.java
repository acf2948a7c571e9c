package io.nubicustos.gateway.credentials;

import io.nubicustos.model.credentials.AmbientCredentials;

import io.nubicustos.gateway.system.GatewayProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;

/**
 * The AWS profiles present in the mounted credentials directory: the sections of {@code credentials}
 * ({@code [name]}) and of {@code config} ({@code [default]}, {@code [profile name]}). The files are read
 * again whenever their size or modification time changes, so that credentials mounted or rotated while the
 * service runs are seen at once, and not on every request otherwise. Secrets are never kept: only the
 * section headers. {@link #contains} trusts what it found for a second before looking at the files again (a
 * profile added is seen at once, one removed may be accepted for that second and then fails at the worker's
 * staging): the two file lookups per accepted scan were measurable at a few thousand scans a second.
 */
@Component
public class AwsProfiles {

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*(?:profile\\s+)?([^\\]]+?)\\s*]\\s*$");

    private final Path directory;
    private final boolean allowAmbient;

    AwsProfiles(GatewayProperties properties) {
        this.directory = properties.credentials().awsPath();
        this.allowAmbient = properties.credentials().allowAmbient();
    }

    /** Whether the profile runs with the workers' own AWS environment: allowed, {@code default}, and in neither file. */
    public boolean ambient(String name) {
        return mayBeAmbient(name) && !contains(name);
    }

    /** Whether the profile would run with the workers' environment if the files do not have it (no file is read). */
    public boolean mayBeAmbient(String name) {
        return allowAmbient && AmbientCredentials.PROFILE.equals(name);
    }

    public Path directory() {
        return directory;
    }

    private static final long TRUSTED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Snapshot(String stamp, Set<String> names, long checkedAt) {
    }

    private volatile Snapshot cached = new Snapshot("", Set.of(), System.nanoTime() - TRUSTED_NANOS);

    /** Whether the profile exists: from what was found within the last second, or else from the files. */
    public boolean contains(String name) {
        Snapshot snapshot = cached;
        // why: monotonic time, so that a clock set back never makes an old answer look fresh
        if (System.nanoTime() - snapshot.checkedAt() < TRUSTED_NANOS && snapshot.names().contains(name)) {
            return true;
        }
        return names().contains(name);
    }

    /** Profile names, or an empty set when no credentials are mounted; always from the files' current state. */
    public Set<String> names() {
        long now = System.nanoTime();
        String stamp = stamp();
        Snapshot snapshot = cached;
        snapshot = new Snapshot(stamp, stamp.equals(snapshot.stamp()) ? snapshot.names() : read(), now);
        cached = snapshot;
        return snapshot.names();
    }

    /** What identifies the files' current content: their sizes and modification times (links followed). */
    private String stamp() {
        StringBuilder stamp = new StringBuilder();
        for (String file : new String[] {"credentials", "config"}) {
            try {
                var attributes = Files.readAttributes(directory.resolve(file), BasicFileAttributes.class);
                stamp.append(attributes.size()).append('@').append(attributes.lastModifiedTime().toMillis()).append('@')
                        .append(attributes.fileKey()).append(';');
            } catch (IOException absent) {
                stamp.append("-;");
            }
        }
        return stamp.toString();
    }

    private Set<String> read() {
        Set<String> names = new LinkedHashSet<>();
        for (String file : new String[] {"credentials", "config"}) {
            Path path = directory.resolve(file);
            if (!Files.isRegularFile(path)) {
                continue;
            }
            try (var lines = Files.lines(path)) {
                lines.forEach(line -> {
                    Matcher m = SECTION.matcher(line);
                    if (m.matches() && !m.group(1).startsWith("sso-session")) {
                        names.add(m.group(1));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
