package io.nubicustos.processor.degradation;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.processor.report.FindingSink;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts what a tool evaluated while its report streams through to the finding writer: results (findings and the
 * passing results a parser reports), distinct checks, resources and regions. The counts are what a later scan of the
 * same account is compared with, to notice one that saw far less (see {@link Degradation}).
 * <p>
 * Distinct values are kept as 64-bit hashes, at most {@link #MAX_DISTINCT} of each: a count that reaches it stops
 * there, on both sides of a comparison, so a report of any size costs bounded memory.
 */
public final class StepCoverage implements FindingSink {

    static final int MAX_DISTINCT = 200_000;

    private final FindingSink next;
    private long results;
    private long passes;
    private final Set<Long> checks = new HashSet<>();
    private final Set<Long> resources = new HashSet<>();
    private final Set<Long> regions = new HashSet<>();

    public StepCoverage(FindingSink next) {
        this.next = next;
    }

    @Override
    public void accept(Finding finding) {
        count(finding.checkId(), finding.resourceId(), finding.region());
        next.accept(finding);
    }

    @Override
    public void passed(String checkId, String resourceId, String region, Map<String, List<String>> compliance) {
        passes++;
        count(checkId, resourceId, region);
        next.passed(checkId, resourceId, region, compliance);
    }

    private void count(String check, String resource, String region) {
        results++;
        add(checks, check);
        add(resources, resource);
        add(regions, region);
    }

    private static void add(Set<Long> seen, String value) {
        if (value != null && !value.isBlank() && seen.size() < MAX_DISTINCT) {
            seen.add(hash(value));
        }
    }

    /** FNV-1a over the UTF-8 bytes: cheap, and collisions only lower a count a little. */
    private static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The coverage as stored in {@code scan_steps.coverage}, with the log's signals. */
    public Map<String, Object> toMap(LogSignals.Counts log) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("results", results);
        // why: only a parser that reports passing results measures what was evaluated; for the others, results are failures
        map.put("passes", passes);
        map.put("checks", checks.size());
        map.put("resources", resources.size());
        map.put("regions", regions.size());
        map.put("access_denied_lines", log.accessDenied());
        map.put("throttling_lines", log.throttling());
        return map;
    }
}
