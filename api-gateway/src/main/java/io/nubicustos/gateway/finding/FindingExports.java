package io.nubicustos.gateway.finding;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.io.OutputStream;
import java.util.UUID;

/** Streams a scan's findings as JSON into any stream (for archives); the caller owns the transaction. */
@Component
public class FindingExports {

    private static final String ROWS = "select " + FindingQueries.COLUMNS + " from findings f where f.scan_id = ? order by f.tool, f.id";

    private final JdbcTemplate jdbc;

    FindingExports(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void writeJson(UUID scanId, OutputStream out) {
        JdbcTemplate cursor = new JdbcTemplate(jdbc.getDataSource());
        cursor.setFetchSize(500);
        JsonFindingWriter writer = new JsonFindingWriter(scanId);
        writer.start(out);
        cursor.query(ROWS, (RowCallbackHandler) writer::row, scanId);
        writer.finish();
    }
}
