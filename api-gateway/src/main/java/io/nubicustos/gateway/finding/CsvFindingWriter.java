package io.nubicustos.gateway.finding;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** RFC 4180 CSV with a header row; fields with commas, quotes or newlines are quoted. */
final class CsvFindingWriter implements FindingStreamWriter {

    static final List<String> COLUMNS = List.of("tool", "check_id", "title", "severity", "status", "account", "region", "service",
            "resource_id", "description", "remediation", "compliance", "observed_at", "fingerprint", "occurrences", "triage_state",
            "triage_reason", "triage_expires_at");

    private Writer writer;

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public String contentType() {
        return "text/csv;charset=UTF-8";
    }

    @Override
    public void start(OutputStream out) {
        writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        line(COLUMNS);
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        String[] values = new String[COLUMNS.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = rs.getObject(COLUMNS.get(i));
            values[i] = value == null ? "" : value.toString();
        }
        line(List.of(values));
    }

    @Override
    public void finish() {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void line(List<String> values) {
        try {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    writer.write(',');
                }
                writer.write(quote(values.get(i)));
            }
            writer.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String value) {
        // why: a leading =, +, - or @ would be run as a formula by spreadsheet programs (CSV injection), and so would one
        // after a leading tab or carriage return, which spreadsheets strip (OWASP's CSV injection list)
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
