package io.nubicustos.gateway.finding;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * {@code {"scan_id": ..., "findings": [ ... ]}}, written with a streaming generator; each finding is the
 * {@link FindingView} {@code GET /api/scans/{id}/findings} serves, written by the API's own mapper, so the export and the
 * API cannot differ in a field's name, type or format.
 */
final class JsonFindingWriter implements FindingStreamWriter {

    private final ObjectMapper mapper;
    private final UUID scanId;
    private JsonGenerator json;

    JsonFindingWriter(ObjectMapper mapper, UUID scanId) {
        this.mapper = mapper;
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
        json = mapper.createGenerator(out);
        json.writeStartObject();
        json.writeStringProperty("scan_id", scanId.toString());
        json.writeArrayPropertyStart("findings");
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        json.writePOJO(FindingQueries.row(rs));
    }

    @Override
    public void finish() {
        json.writeEndArray();
        json.writeEndObject();
        json.close();
    }
}
