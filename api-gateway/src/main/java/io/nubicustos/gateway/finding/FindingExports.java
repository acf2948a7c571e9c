package io.nubicustos.gateway.finding;

import tools.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.io.OutputStream;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Streams a scan's findings as JSON into any stream (for archives); the caller owns the transaction. */
@Component
public class FindingExports {

    private static final String ROWS = "select " + FindingQueries.COLUMNS + FindingQueries.FROM_POSITIONAL
            + " where f.scan_id = ? order by f.tool, f.id";

    private final JdbcTemplate jdbc;
    private final Clock clock;

    private final ObjectMapper mapper;
    private final io.nubicustos.gateway.control.Consensus consensus;

    FindingExports(JdbcTemplate jdbc, Clock clock, ObjectMapper mapper, io.nubicustos.gateway.control.Consensus consensus) {
        this.consensus = consensus;
        this.mapper = mapper;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void writeJson(UUID scanId, OutputStream out) {
        JdbcTemplate cursor = new JdbcTemplate(jdbc.getDataSource());
        cursor.setFetchSize(500);
        JsonFindingWriter writer = new JsonFindingWriter(mapper, scanId, () -> consensus.confirmations(scanId));
        writer.start(out);
        cursor.query(ROWS, (RowCallbackHandler) writer::row, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), scanId);
        writer.finish();
    }
}
