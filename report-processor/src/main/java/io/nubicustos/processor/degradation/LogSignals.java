package io.nubicustos.processor.degradation;

import io.nubicustos.processor.report.BoundedLines;

import java.io.FilterInputStream;
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
import java.util.regex.Pattern;

/**
 * Counts the lines of a step's whole log that say the cloud refused the tool (access denied, an expired or invalid
 * token) or slowed it down (throttling): a scan can "succeed" while half its API calls were refused. The log is the
 * worker's own file (outside the container's report directory), bounded in size by the worker; it is read with
 * lines cut at a bounded length, never following a link.
 */
public final class LogSignals {

    /** What one step's log says; zero when there is no log. */
    public record Counts(long accessDenied, long throttling) {
        static final Counts NONE = new Counts(0, 0);
    }

    private static final Pattern ACCESS_DENIED = Pattern.compile(
            "(?i)access ?denied|unauthorizedoperation|unauthorizedaccess|authorizationerror|not authorized to perform"
                    + "|invalidclienttokenid|expiredtoken|security token included in the request is (?:invalid|expired)"
                    + "|\\b403 forbidden\\b|accessdeniedexception");
    private static final Pattern THROTTLING = Pattern.compile(
            "(?i)throttl|rate exceeded|toomanyrequests|requestlimitexceeded|slowdown|\\b429\\b too many");
    private static final int MAX_LINE = 16 * 1024;
    private static final long MAX_BYTES = 256L * 1024 * 1024;

    private LogSignals() {
    }

    public static Counts of(Path log) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(log, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                return Counts.NONE;
            }
        } catch (IOException absent) {
            return Counts.NONE;
        }
        long denied = 0;
        long throttled = 0;
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(channel);
             BoundedLines lines = new BoundedLines(new InputStreamReader(new Limited(in, MAX_BYTES),
                     StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                             .onUnmappableCharacter(CodingErrorAction.REPLACE)), MAX_LINE)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (ACCESS_DENIED.matcher(line).find()) {
                    denied++;
                } else if (THROTTLING.matcher(line).find()) {
                    throttled++;
                }
            }
        } catch (IOException unreadable) {
            return new Counts(denied, throttled);
        }
        return new Counts(denied, throttled);
    }

    /** Stops reading after {@code left} bytes: the worker bounds its logs, and this does not trust that alone. */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
