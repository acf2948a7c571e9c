package io.nubicustos.gateway.finding;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** {@code {"scan_id": ..., "findings": [ ... ]}}, written with a streaming generator. */
final class JsonFindingWriter implements FindingStreamWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final UUID scanId;
    private JsonGenerator json;

    JsonFindingWriter(UUID scanId) {
        this.scanId = scanId;
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public void start(OutputStream out) {
        json = JSON.createGenerator(out);
        json.writeStartObject();
        json.writeStringProperty("scan_id", scanId.toString());
        json.writeArrayPropertyStart("findings");
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        json.writeStartObject();
        for (String column : CsvFindingWriter.COLUMNS) {
            if (column.equals("compliance")) {
                json.writeName("compliance");
                json.writeRawValue(rs.getString("compliance"));
            } else if (column.equals("occurrences")) {
                json.writeNumberProperty("occurrences", rs.getInt("occurrences"));
            } else {
                Object value = rs.getObject(column);
                json.writeStringProperty(column, value == null ? null : value.toString());
            }
        }
        json.writeEndObject();
    }

    @Override
    public void finish() {
        json.writeEndArray();
        json.writeEndObject();
        json.close();
    }
}
