package io.nubicustos.processor.processing;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.FindingSink;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.ObjectMapper;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Stores a step's findings in batched inserts as the parser streams them. Within a batch, findings
 * with the same fingerprint are merged in memory (a multi-row insert cannot touch one row twice);
 * across batches, {@code ON CONFLICT} adds to the occurrences. Findings outside the scan's severity
 * filter are counted and left out.
 */
final class FindingWriter implements FindingSink {

    private static final String INSERT = """
            insert into findings (scan_id, step_id, tool, check_id, title, severity, status, account, region, service,
                                  resource_id, description, remediation, compliance, observed_at, fingerprint, occurrences)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)
            on conflict (step_id, fingerprint) do update set occurrences = findings.occurrences + excluded.occurrences
            """;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final UUID scanId;
    private final UUID stepId;
    private final Set<Severity> severityFilter;
    private final int batchSize;
    private final Map<String, Pending> batch = new LinkedHashMap<>();
    private final StorableFindings storable = new StorableFindings();
    private long stored;
    private long filteredOut;

    FindingWriter(JdbcTemplate jdbc, ObjectMapper json, UUID scanId, UUID stepId, Set<Severity> severityFilter, int batchSize) {
        this.jdbc = jdbc;
        this.json = json;
        this.scanId = scanId;
        this.stepId = stepId;
        this.severityFilter = severityFilter;
        this.batchSize = batchSize;
    }

    @Override
    public void accept(Finding found) {
        if (!severityFilter.isEmpty() && !severityFilter.contains(found.severity())) {
            filteredOut++;
            return;
        }
        Finding finding = storable.clean(found);
        batch.merge(finding.fingerprint(), new Pending(finding, 1), (a, b) -> new Pending(a.finding(), a.occurrences() + 1));
        if (batch.size() >= batchSize) {
            try {
                flush();
            } catch (RuntimeException e) {
                // why: a storage failure inside the parser's loop must not read as a fault of the report
                throw new FindingSink.StoreFailed(e);
            }
        }
    }

    /** What cleaning changed to make the findings storable; empty when nothing. */
    String cleaningSummary() {
        return storable.summary();
    }

    void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(batch.size());
        for (Map.Entry<String, Pending> entry : batch.entrySet()) {
            Finding f = entry.getValue().finding();
            rows.add(new Object[] {scanId, stepId, f.tool(), f.checkId(), f.title(), f.severity().db(), f.status().db(),
                    f.account(), f.region(), f.service(), f.resourceId(), f.description(), f.remediation(),
                    json.writeValueAsString(f.compliance()), f.observedAt() == null ? null : OffsetDateTime.ofInstant(f.observedAt(), ZoneOffset.UTC),
                    entry.getKey(), entry.getValue().occurrences()});
        }
        int[] types = {Types.OTHER, Types.OTHER, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.INTEGER};
        jdbc.batchUpdate(INSERT, rows, types);
        stored += rows.size();
        batch.clear();
    }

    long stored() {
        return stored;
    }

    long filteredOut() {
        return filteredOut;
    }

    private record Pending(Finding finding, int occurrences) {
    }
}
