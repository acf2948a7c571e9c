package io.nubicustos.testsupport;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Prowler json-ocsf report of any size, built from the real samples' records: each copy is a FAIL on
 * a resource of its own, so every record is a distinct finding. Written streaming.
 */
public final class LargeProwlerReport {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private LargeProwlerReport() {
    }

    public static void write(Path file, long count) {
        List<ObjectNode> templates = new ArrayList<>();
        for (String sample : List.of("prowler/prowler5_example_output_aws.ocsf.json", "prowler/prowler421_aws_many_vuln_muted.ocsf.json")) {
            for (JsonNode record : JSON.readTree(Samples.file(sample).toFile())) {
                ObjectNode copy = (ObjectNode) record.deepCopy();
                copy.put("status_code", "FAIL");
                copy.put("status", "New");
                templates.add(copy);
            }
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (long i = 0; i < count; i++) {
                ObjectNode record = templates.get((int) (i % templates.size()));
                ((ObjectNode) record.get("resources").get(0)).put("uid", "arn:aws:iam::123456789012:role/generated-" + i);
                JSON.writeTree(json, record);
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
