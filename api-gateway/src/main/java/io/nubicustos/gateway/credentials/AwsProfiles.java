package io.nubicustos.gateway.credentials;

import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.support.aws.AwsProfileFiles;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.model.credentials.AmbientCredentials;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The AWS profiles a scan may name. Where the API has a credentials directory of its own (the standalone), the names
 * of its files' profiles as the AWS SDK reads them ({@link AwsProfileFiles}); where it has none (the compose stack, where only the worker mounts
 * the keys), the names live workers publish in their heartbeat rows — the API never needs to read a key. The files
 * are read again whenever their size or modification time changes; {@link #contains} trusts what it found for a
 * second before looking again (a profile added is seen at once, one removed may be accepted for that second and
 * then fails at the worker's staging): the lookups per accepted scan were measurable at a few thousand scans a second.
 */
@Component
public class AwsProfiles {

    private static final long TRUSTED_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String NO_FILES = "-;-;";
    // why: the same liveness rule as /api/workers
    private static final String PUBLISHED = """
            select distinct jsonb_array_elements_text(aws_profiles) as name from workers
             where jsonb_typeof(aws_profiles) = 'array'
               and last_heartbeat > clock_timestamp() - (3 * heartbeat_interval_ms + 1000) * interval '1 millisecond'
             order by 1
            """;

    private final Path directory;
    private final boolean allowAmbient;
    private final JdbcClient jdbc;

    AwsProfiles(GatewayProperties properties, JdbcClient jdbc) {
        this.directory = properties.credentials().awsPath();
        this.allowAmbient = properties.credentials().allowAmbient();
        this.jdbc = jdbc;
    }

    /** Whether the profile runs with the workers' own AWS environment: allowed, {@code default}, and in neither file. */
    public boolean ambient(String name) {
        return mayBeAmbient(name) && !contains(name);
    }

    /** Whether the profile would run with the workers' environment if the files do not have it (no file is read). */
    public boolean mayBeAmbient(String name) {
        return allowAmbient && AmbientCredentials.PROFILE.equals(name);
    }

    /** Where the names come from, for messages: the credentials file, or the workers. */
    public String source() {
        return NO_FILES.equals(stamp()) ? "the profiles live workers publish (the API mounts no credentials; " + directory
                + " has none)" : directory.resolve("credentials").toString();
    }

    private record Snapshot(String stamp, Set<String> names, long checkedAt) {
    }

    private volatile Snapshot cached = new Snapshot("", Set.of(), System.nanoTime() - TRUSTED_NANOS);

    /** Whether the profile exists: from what was found within the last second, or else from the files (or workers). */
    public boolean contains(String name) {
        Snapshot snapshot = cached;
        // why: monotonic time, so that a clock set back never makes an old answer look fresh
        if (System.nanoTime() - snapshot.checkedAt() < TRUSTED_NANOS && snapshot.names().contains(name)) {
            return true;
        }
        return names().contains(name);
    }

    /** Profile names, or an empty set when there are none; always from the current state. */
    public Set<String> names() {
        long now = System.nanoTime();
        String stamp = stamp();
        Snapshot snapshot = cached;
        Set<String> names;
        if (NO_FILES.equals(stamp)) {
            names = Set.copyOf(new LinkedHashSet<>(jdbc.sql(PUBLISHED).query(String.class).list()));
        } else {
            names = stamp.equals(snapshot.stamp()) ? snapshot.names() : readable(directory);
        }
        cached = new Snapshot(stamp, names, now);
        return names;
    }

    /** The files' profile names; a file the AWS SDKs cannot read is the caller's to hear about, naming it, never a 500. */
    private static Set<String> readable(Path directory) {
        try {
            return AwsProfileFiles.read(directory).names();
        } catch (AwsProfileFiles.Unreadable e) {
            throw ApiException.unprocessable("credentials_unreadable", "aws_profile", e.getMessage());
        }
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
}
