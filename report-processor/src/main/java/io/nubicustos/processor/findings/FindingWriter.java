package io.nubicustos.processor.findings;

import io.nubicustos.model.control.ResourceKey;
import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.io.BufferedOutputStream;
import org.springframework.jdbc.UncategorizedSQLException;

/**
 * Stores a step's findings as the parser streams them, at {@code COPY} speed, with parsing and storing
 * on two threads. The parser's thread filters, cleans and encodes each finding as a line of {@code COPY}
 * text; full chunks go through a small bounded hand-off to a store thread that streams them into
 * {@code COPY findings FROM STDIN} on the transaction's connection, so the database works while the
 * parser reads on.
 *
 * <p>A fingerprint is stored once per step, with its occurrences counted. Every first sighting (by a
 * 64-bit hash of the fingerprint, kept in a compact set) goes straight into the COPY; a repeat, or the
 * rare different fingerprint whose hash was seen before, is set aside in a temporary file. At the end the
 * set-aside rows are copied into a temporary table and merged with one statement, which inserts the
 * fingerprints not stored yet and adds to the occurrences of the others. Re-processing stays idempotent:
 * the step's findings are deleted first, in the same transaction.
 */
public final class FindingWriter implements FindingSink {

    static final String COLUMNS = "scan_id, step_id, tool, check_id, title, severity, status, account, region, service, "
            + "resource_id, description, remediation, compliance, observed_at, resource_key, fingerprint, occurrences";
    private static final String PASS_COLUMNS = "scan_id, step_id, tool, check_id, resource_id, resource_key, region, compliance";
    /** A pass whose check or resource is longer (in UTF-8 bytes) is left out: no scanner names one so, and an index row must stay small. */
    static final int MAX_PASS_TEXT = 1024;
    private static final String DELETE_PASSES = "delete from finding_passes where step_id = '%s'";
    private static final int CHUNK_CHARS = 256 * 1024;
    private static final int CHUNKS_IN_FLIGHT = 4;
    private static final byte[] END = new byte[0];
    private static final String REPEATS_TABLE = """
            create temp table if not exists nubicustos_repeats (like findings including defaults, seq bigint) on commit drop
            """;
    private static final String MERGE_REPEATS = """
            insert into findings (%1$s)
            select %1$s from (
                select distinct on (fingerprint) %2$s, count(*) over (partition by fingerprint) as occurrences
                  from nubicustos_repeats order by fingerprint, seq) repeated
            on conflict (step_id, fingerprint) do update set occurrences = findings.occurrences + excluded.occurrences
            """.formatted(COLUMNS, COLUMNS.replace(", occurrences", ""));

    private final CopyManager copy;
    private final Connection connection;
    private final ObjectMapper json;
    private final String scanId;
    private final String stepId;
    private final String tool;
    private final Set<Severity> severityFilter;
    private final StorableFindings storable = new StorableFindings();
    private final LongHashSet seen = new LongHashSet();
    private final BlockingQueue<byte[]> handOff = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT);
    private final Thread store;
    private final StringBuilder chunk = new StringBuilder(CHUNK_CHARS + 4096);
    private volatile Exception storeFailure;
    private volatile long copied;
    private Path repeatsFile;
    private OutputStream repeats;
    private long repeated;
    private long firstSeen;
    private long filteredOut;
    private long stored;
    private final LongHashSet passesSeen = new LongHashSet();
    private final LongHashSet passChecksSeen = new LongHashSet();
    private Path passesFile;
    private OutputStream passes;
    private long passesKept;

    public FindingWriter(Connection connection, ObjectMapper json, UUID scanId, UUID stepId, String tool, Set<Severity> severityFilter) {
        try {
            this.connection = connection;
            this.copy = connection.unwrap(PGConnection.class).getCopyAPI();
        } catch (SQLException e) {
            throw new IllegalStateException("findings are stored with PostgreSQL's COPY", e);
        }
        this.json = json;
        this.scanId = scanId.toString();
        this.stepId = stepId.toString();
        this.tool = tool;
        this.severityFilter = severityFilter;
        this.store = new Thread(this::storeLoop, "finding-store-" + stepId.toString().substring(0, 8));
        this.store.setDaemon(true);
        this.store.start();
    }

    @Override
    public void accept(Finding found) {
        if (!severityFilter.isEmpty() && !severityFilter.contains(found.severity())) {
            filteredOut++;
            return;
        }
        // why: findings and passes carry the step's catalog key, also for an operator's tool read by a built-in parser
        // (an overlay's "prowler-gov" with report_format prowler), so one tool never both fails and passes one control
        Finding named = found.tool().equals(tool) ? found : new Finding(tool, found.checkId(), found.title(), found.severity(),
                found.status(), found.account(), found.region(), found.service(), found.resourceId(), found.description(),
                found.remediation(), found.compliance(), found.observedAt());
        Finding finding = storable.clean(named);
        String fingerprint = finding.fingerprint();
        if (seen.add(Long.parseUnsignedLong(fingerprint, 0, 16, 16))) {
            firstSeen++;
            encode(finding, fingerprint, chunk);
            if (chunk.length() >= CHUNK_CHARS) {
                handOff(chunk);
            }
        } else {
            setAside(finding, fingerprint);
        }
    }

    /**
     * A passing result waits in a temporary file (the connection is busy with the findings' COPY) and is copied into
     * {@code finding_passes} when the findings are stored. The same check passing on the same resource twice is kept once;
     * the compliance a check names is kept with its first pass only (Prowler names some thirty frameworks per result: a
     * copy per resource would weigh more than the findings). A scan with a severity filter keeps no passes: a check whose
     * failures were filtered out must not look passed.
     */
    @Override
    public void passed(String checkId, String resourceId, String region, Map<String, List<String>> compliance) {
        if (checkId == null || checkId.isBlank() || tooLong(checkId) || !severityFilter.isEmpty()) {
            return;
        }
        String check = storable.text(checkId);
        String resource = resourceId == null || !tooLong(resourceId) ? storable.text(resourceId) : null;
        if (resource == null && resourceId != null) {
            return;
        }
        if (!passesSeen.add(hash(check + '\u0001' + (resource == null ? "" : resource)))) {
            return;
        }
        boolean firstOfCheck = passChecksSeen.add(hash(check));
        try {
            if (passes == null) {
                passesFile = Files.createTempFile("nubicustos-passes-", ".copy");
                passes = new BufferedOutputStream(Files.newOutputStream(passesFile), 64 * 1024);
            }
            StringBuilder line = new StringBuilder(256);
            line.append(scanId).append('\t').append(stepId).append('\t');
            field(line, tool);
            field(line, check);
            field(line, resource);
            field(line, ResourceKey.of(resource));
            field(line, storable.text(region));
            field(line, json.writeValueAsString(firstOfCheck && compliance != null ? storable.compliance(compliance) : Map.of()));
            line.setCharAt(line.length() - 1, '\n');
            passes.write(line.toString().getBytes(StandardCharsets.UTF_8));
            passesKept++;
        } catch (IOException e) {
            throw new FindingSink.StoreFailed(new UncheckedIOException("cannot set aside a passing result", e));
        }
    }

    /** Longer than {@link #MAX_PASS_TEXT} UTF-8 bytes (an index row's limit is in bytes: CJK text is 3 per character). */
    private static boolean tooLong(String value) {
        return value.length() > MAX_PASS_TEXT || value.length() * 3 > MAX_PASS_TEXT && value.getBytes(StandardCharsets.UTF_8).length > MAX_PASS_TEXT;
    }

    /** The passing results kept (after {@link #finish()}). */
    public long passesKept() {
        return passesKept;
    }

    /** Ends the COPY and merges the set-aside rows; answers the rows stored. */
    public long finish() {
        if (!chunk.isEmpty()) {
            handOff(chunk);
        }
        put(END);
        join();
        if (storeFailure != null) {
            throw failure(storeFailure);
        }
        stored = copied;
        if (repeated > 0) {
            stored += mergeRepeats();
        }
        copyPasses();
        return stored;
    }

    /** Stops storing (the report was refused): the COPY is cancelled and the transaction rolls back. */
    public void abort() {
        storeFailure = storeFailure == null ? new IllegalStateException("aborted") : storeFailure;
        handOff.clear();
        handOff.offer(END);
        join();
        deleteRepeats();
        deletePasses();
    }

    long stored() {
        return stored;
    }

    public long filteredOut() {
        return filteredOut;
    }

    /** What cleaning changed to make the findings storable; empty when nothing. */
    public String cleaningSummary() {
        return storable.summary();
    }

    private void storeLoop() {
        CopyIn in = null;
        try {
            in = copy.copyIn("copy findings (" + COLUMNS + ") from stdin");
            while (true) {
                byte[] bytes = handOff.take();
                if (bytes == END) {
                    break;
                }
                if (storeFailure == null) {
                    in.writeToCopy(bytes, 0, bytes.length);
                }
            }
            if (storeFailure != null) {
                in.cancelCopy();
            } else {
                copied = in.endCopy();
            }
        } catch (SQLException | RuntimeException e) {
            storeFailure = e;
            cancelQuietly(in);
        } catch (InterruptedException e) {
            storeFailure = e;
            cancelQuietly(in);
            Thread.currentThread().interrupt();
        } finally {
            // why: the parser's thread must never block on a hand-off nobody takes any more
            handOff.clear();
        }
    }

    private void handOff(StringBuilder lines) {
        put(lines.toString().getBytes(StandardCharsets.UTF_8));
        lines.setLength(0);
    }

    private void put(byte[] bytes) {
        try {
            while (!handOff.offer(bytes, 100, TimeUnit.MILLISECONDS)) {
                if (storeFailure != null || !store.isAlive()) {
                    if (bytes != END) {
                        throw failure(storeFailure);
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FindingSink.StoreFailed(new IllegalStateException("interrupted while storing findings", e));
        }
        if (storeFailure != null && bytes != END) {
            throw failure(storeFailure);
        }
    }

    private void join() {
        try {
            store.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FindingSink.StoreFailed(new IllegalStateException("interrupted while storing findings", e));
        }
    }

    private static FindingSink.StoreFailed failure(Exception cause) {
        if (cause instanceof RuntimeException runtime) {
            return new FindingSink.StoreFailed(runtime);
        }
        // why: the SQL state stays in the chain, so a lost connection reads as one and a refused row as that
        SQLException sql = cause instanceof SQLException e ? e : new SQLException("storing findings failed: " + cause, cause);
        return new FindingSink.StoreFailed(new UncategorizedSQLException("storing findings", null, sql));
    }

    private static void cancelQuietly(CopyIn in) {
        try {
            if (in != null && in.isActive()) {
                in.cancelCopy();
            }
        } catch (SQLException ignored) {
            // why: the connection is already broken; the transaction rolls back with it
        }
    }

    /** A repeat (or a hash collision) waits in a temporary file, so memory stays flat however many there are. */
    private void setAside(Finding finding, String fingerprint) {
        try {
            if (repeats == null) {
                repeatsFile = Files.createTempFile("nubicustos-repeats-", ".copy");
                repeats = new BufferedOutputStream(Files.newOutputStream(repeatsFile), 64 * 1024);
            }
            StringBuilder line = new StringBuilder(512);
            encode(finding, fingerprint, line);
            // why: the merge keeps each fingerprint's first row, so rows carry their order
            line.setLength(line.length() - 1);
            line.append('\t').append(repeated++).append('\n');
            repeats.write(line.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FindingSink.StoreFailed(new UncheckedIOException("cannot set aside a repeated finding", e));
        }
    }

    private long mergeRepeats() {
        try {
            repeats.close();
            try (Statement statement = connection.createStatement()) {
                statement.execute(REPEATS_TABLE);
                statement.execute("truncate nubicustos_repeats");
            }
            try (var in = Files.newInputStream(repeatsFile)) {
                copy.copyIn("copy nubicustos_repeats (" + COLUMNS + ", seq) from stdin", in);
            }
            try (Statement statement = connection.createStatement()) {
                // inserted rows are the fingerprints stored for the first time; updated ones were stored already
                statement.executeUpdate(MERGE_REPEATS);
                try (var rs = statement.executeQuery("select count(*) from findings where step_id = '" + stepId + "'")) {
                    rs.next();
                    return rs.getLong(1) - copied;
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new FindingSink.StoreFailed(new UncheckedIOException("merging repeated findings failed", e));
        } finally {
            deleteRepeats();
        }
    }

    /** The step's passes of an earlier processing are replaced, in the transaction that replaces its findings. */
    private void copyPasses() {
        try {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate(DELETE_PASSES.formatted(stepId));
            }
            if (passes == null) {
                return;
            }
            passes.close();
            try (var in = Files.newInputStream(passesFile)) {
                copy.copyIn("copy finding_passes (" + PASS_COLUMNS + ") from stdin", in);
            }
        } catch (SQLException e) {
            throw failure(e);
        } catch (IOException e) {
            throw new FindingSink.StoreFailed(new UncheckedIOException("storing passing results failed", e));
        } finally {
            deletePasses();
        }
    }

    private void deletePasses() {
        try {
            if (passes != null) {
                passes.close();
            }
            if (passesFile != null) {
                Files.deleteIfExists(passesFile);
            }
        } catch (IOException ignored) {
            // why: a leftover temporary file is only disk space
        }
    }

    /** FNV-1a: cheap, and a collision only drops one duplicate-looking pass. */
    private static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private void deleteRepeats() {
        try {
            if (repeats != null) {
                repeats.close();
            }
            if (repeatsFile != null) {
                Files.deleteIfExists(repeatsFile);
            }
        } catch (IOException ignored) {
            // why: a leftover temporary file is only disk space
        }
    }

    /** One finding as a line of COPY text: tab-separated, \N for null, backslash, tab and line breaks escaped. */
    private void encode(Finding f, String fingerprint, StringBuilder line) {
        line.append(scanId).append('\t').append(stepId).append('\t');
        field(line, f.tool());
        field(line, f.checkId());
        field(line, f.title());
        field(line, f.severity().db());
        field(line, f.status().db());
        field(line, f.account());
        field(line, f.region());
        field(line, f.service());
        field(line, f.resourceId());
        field(line, f.description());
        field(line, f.remediation());
        field(line, json.writeValueAsString(f.compliance()));
        field(line, f.observedAt() == null ? null : OffsetDateTime.ofInstant(f.observedAt(), ZoneOffset.UTC).toString());
        field(line, ResourceKey.of(f.resourceId()));
        line.append(fingerprint).append("\t1\n");
    }

    private static void field(StringBuilder line, String value) {
        if (value == null) {
            line.append("\\N\t");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
        line.append('\t');
    }

    /** A set of longs by open addressing, at most half full: 32 MB for a million findings, nothing boxed. */
    static final class LongHashSet {
        private long[] slots = new long[1 << 12];
        private int size;

        /** Adds the value; false when it was there already. */
        boolean add(long value) {
            long key = value == 0 ? 1 : value;
            if (size * 2 >= slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            int i = (int) (mix(key) & mask);
            while (slots[i] != 0) {
                if (slots[i] == key) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = key;
            size++;
            return true;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            int mask = slots.length - 1;
            for (long key : old) {
                if (key != 0) {
                    int i = (int) (mix(key) & mask);
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = key;
                }
            }
        }

        private static long mix(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return h ^ (h >>> 29);
        }
    }
}
