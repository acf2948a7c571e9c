package io.nubicustos.gateway.finding;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SARIF 2.1.0, what code-scanning dashboards import: one run per tool (rows arrive ordered by tool),
 * one result per finding with its rule id, level, message, the resource as a logical location and the
 * fingerprint as a partial fingerprint. Each run's rules (one per check, with a
 * {@code security-severity}) are written after its results, so nothing but the rules is kept in memory.
 */
final class SarifFindingWriter implements FindingStreamWriter {

    /** Where each tool of the built-in catalog is documented (SARIF's optional informationUri); other tools have none. */
    private static final Map<String, String> HOMES = Map.of(
            "prowler", "https://github.com/prowler-cloud/prowler",
            "scoutsuite", "https://github.com/nccgroup/ScoutSuite",
            "cloudfox", "https://github.com/BishopFox/cloudfox",
            "cloudsploit", "https://github.com/aquasecurity/cloudsploit",
            "cloud-custodian", "https://cloudcustodian.io",
            "cloudmapper", "https://github.com/duo-labs/cloudmapper",
            "cartography", "https://github.com/cartography-cncf/cartography",
            "pacu", "https://github.com/RhinoSecurityLabs/pacu",
            "enumerate-iam", "https://github.com/andresriancho/enumerate-iam",
            "kubescape", "https://github.com/kubescape/kubescape");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private JsonGenerator json;
    private String currentTool;
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Map<String, String> versions;

    /** @param versions each tool's version as its step recorded it (the image's version label, else its tag) */
    SarifFindingWriter(Map<String, String> versions) {
        this.versions = Map.copyOf(versions);
    }

    @Override
    public String extension() {
        return "sarif";
    }

    @Override
    public String contentType() {
        return "application/sarif+json";
    }

    @Override
    public void start(OutputStream out) {
        json = JSON.createGenerator(out);
        json.writeStartObject();
        json.writeStringProperty("$schema", SCHEMA);
        json.writeStringProperty("version", "2.1.0");
        json.writeArrayPropertyStart("runs");
    }

    @Override
    public void row(ResultSet rs) throws SQLException {
        String tool = rs.getString("tool");
        if (!tool.equals(currentTool)) {
            endRun();
            currentTool = tool;
            json.writeStartObject();
            json.writeArrayPropertyStart("results");
        }
        String check = rs.getString("check_id");
        String severity = rs.getString("severity");
        String title = rs.getString("title");
        rules.putIfAbsent(check, new Rule(check, title, severity));
        json.writeStartObject();
        json.writeStringProperty("ruleId", check);
        json.writeStringProperty("level", level(severity));
        json.writeObjectPropertyStart("message");
        String description = rs.getString("description");
        json.writeStringProperty("text", description != null ? description : title != null ? title : check);
        json.writeEndObject();
        String resource = rs.getString("resource_id");
        if (resource != null) {
            json.writeArrayPropertyStart("locations");
            json.writeStartObject();
            json.writeArrayPropertyStart("logicalLocations");
            json.writeStartObject();
            json.writeStringProperty("fullyQualifiedName", resource);
            json.writeStringProperty("kind", "resource");
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
        }
        String triage = rs.getString("triage_state");
        if (triage != null) {
            // why: SARIF's own way to say a result is accepted or dismissed, which code-scanning tools understand
            json.writeArrayPropertyStart("suppressions");
            json.writeStartObject();
            json.writeStringProperty("kind", "external");
            json.writeStringProperty("status", "accepted");
            json.writeStringProperty("justification", triage + ": " + rs.getString("triage_reason"));
            json.writeEndObject();
            json.writeEndArray();
        }
        json.writeObjectPropertyStart("partialFingerprints");
        json.writeStringProperty("nubicustos/v1", rs.getString("fingerprint"));
        json.writeEndObject();
        json.writeObjectPropertyStart("properties");
        json.writeStringProperty("severity", severity);
        json.writeStringProperty("status", rs.getString("status"));
        json.writeStringProperty("account", rs.getString("account"));
        json.writeStringProperty("region", rs.getString("region"));
        json.writeStringProperty("service", rs.getString("service"));
        json.writeEndObject();
        json.writeEndObject();
    }

    @Override
    public void finish() {
        endRun();
        json.writeEndArray();
        json.writeEndObject();
        json.close();
    }

    private void endRun() {
        if (currentTool == null) {
            return;
        }
        json.writeEndArray();
        json.writeObjectPropertyStart("tool");
        json.writeObjectPropertyStart("driver");
        json.writeStringProperty("name", currentTool);
        String version = versions.get(currentTool);
        if (version != null) {
            json.writeStringProperty("version", version);
        }
        String home = HOMES.get(currentTool);
        if (home != null) {
            json.writeStringProperty("informationUri", home);
        }
        json.writeArrayPropertyStart("rules");
        for (Rule rule : rules.values()) {
            json.writeStartObject();
            json.writeStringProperty("id", rule.id());
            if (rule.title() != null) {
                json.writeObjectPropertyStart("shortDescription");
                json.writeStringProperty("text", rule.title());
                json.writeEndObject();
            }
            json.writeObjectPropertyStart("properties");
            json.writeStringProperty("security-severity", securitySeverity(rule.severity()));
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
        rules.clear();
        currentTool = null;
    }

    static String level(String severity) {
        return switch (severity) {
            case "critical", "high" -> "error";
            case "medium" -> "warning";
            default -> "note";
        };
    }

    /** GitHub code scanning's numeric severity: 9+ critical, 7+ high, 4+ medium, above 0 low. */
    static String securitySeverity(String severity) {
        return switch (severity) {
            case "critical" -> "9.5";
            case "high" -> "8.0";
            case "medium" -> "5.5";
            case "low" -> "3.0";
            default -> "0.0";
        };
    }

    private record Rule(String id, String title, String severity) {
    }
}
