package io.nubicustos.gateway.finding;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code {"scan_id": ..., "findings": [ ... ]}}, written with a streaming generator; each finding is the
 * {@link FindingView} {@code GET /api/scans/{id}/findings} serves, written by the API's own mapper, so the export and the
 * API cannot differ in a field's name, type or format.
 */
final class JsonFindingWriter implements FindingStreamWriter {

    private final ObjectMapper mapper;
    private final UUID scanId;
    private final Supplier<Map<String, List<String>>> confirmations;
    private Map<String, List<String>> confirmed;
    private JsonGenerator json;

    /** @param confirmations each finding's {@code confirmed_by} by fingerprint, read when the export starts */
    JsonFindingWriter(ObjectMapper mapper, UUID scanId, Supplier<Map<String, List<String>>> confirmations) {
        this.mapper = mapper;
        this.scanId = scanId;
        this.confirmations = confirmations;
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
        confirmed = confirmations.get();
        json = mapper.createGenerator(out);
        json.writeStartObject();
        json.writeStringProperty("scan_id", scanId.toString());
        json.writeArrayPropertyStart("findings");
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        FindingView finding = FindingQueries.row(rs);
        json.writePOJO(finding.withConfirmedBy(confirmed.getOrDefault(finding.fingerprint(), List.of(finding.tool()))));
    }

    @Override
    public void finish() {
        json.writeEndArray();
        json.writeEndObject();
        json.close();
    }
}
