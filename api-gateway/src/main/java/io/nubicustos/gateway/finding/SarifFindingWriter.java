package io.nubicustos.gateway.finding;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one run per tool (rows arrive ordered by tool) with an
 * {@code automationDetails.id} of {@code nubicustos/<tool>/<scan id>} (the category is the tool, so each run stays its own
 * analysis), one result per finding with its rule id, level, message, a physical location with a stable synthetic URI
 * ({@link #uri}: {@code aws/<account>/<region>/<resource>}, line 1, since code scanning needs a file and a line and a
 * cloud resource has neither), the resource again as a logical location, and the fingerprint as a partial fingerprint.
 * Each run's rules (one per check: descriptions, help with the tool's remediation, a {@code security-severity} and the
 * {@code security} tag code scanning needs to use it) are written after its results, so only the rules stay in memory.
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
    private final java.util.UUID scanId;

    /** @param versions each tool's version as its step recorded it (the image's version label, else its tag) */
    SarifFindingWriter(java.util.UUID scanId, Map<String, String> versions) {
        this.scanId = scanId;
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
        String description = rs.getString("description");
        rules.putIfAbsent(check, new Rule(check, title, severity, description, rs.getString("remediation"), rs.getString("service")));
        json.writeStartObject();
        json.writeStringProperty("ruleId", check);
        json.writeStringProperty("level", level(severity));
        json.writeObjectPropertyStart("message");
        json.writeStringProperty("text", description != null ? description : title != null ? title : check);
        json.writeEndObject();
        String resource = rs.getString("resource_id");
        json.writeArrayPropertyStart("locations");
        json.writeStartObject();
        json.writeObjectPropertyStart("physicalLocation");
        json.writeObjectPropertyStart("artifactLocation");
        json.writeStringProperty("uri", uri(tool, rs.getString("account"), rs.getString("region"), resource, rs.getString("service")));
        json.writeEndObject();
        json.writeObjectPropertyStart("region");
        json.writeNumberProperty("startLine", 1);
        json.writeEndObject();
        json.writeEndObject();
        if (resource != null) {
            json.writeArrayPropertyStart("logicalLocations");
            json.writeStartObject();
            json.writeStringProperty("fullyQualifiedName", resource);
            json.writeStringProperty("kind", "resource");
            json.writeEndObject();
            json.writeEndArray();
        }
        json.writeEndObject();
        json.writeEndArray();
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
        json.writeObjectPropertyStart("automationDetails");
        json.writeStringProperty("id", "nubicustos/" + currentTool + "/" + scanId);
        json.writeEndObject();
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
            String summary = rule.title() != null ? rule.title() : rule.id();
            json.writeObjectPropertyStart("shortDescription");
            json.writeStringProperty("text", summary);
            json.writeEndObject();
            json.writeObjectPropertyStart("fullDescription");
            json.writeStringProperty("text", rule.description() != null ? rule.description() : summary);
            json.writeEndObject();
            String remediation = rule.remediation() != null ? rule.remediation()
                    : currentTool + " gives no remediation for " + rule.id() + "; see its documentation";
            json.writeObjectPropertyStart("help");
            json.writeStringProperty("text", remediation);
            json.writeStringProperty("markdown", "**Remediation** (" + currentTool + "): " + remediation);
            json.writeEndObject();
            json.writeObjectPropertyStart("defaultConfiguration");
            json.writeStringProperty("level", level(rule.severity()));
            json.writeEndObject();
            json.writeObjectPropertyStart("properties");
            json.writeStringProperty("security-severity", securitySeverity(rule.severity()));
            // why: code scanning uses security-severity only for rules tagged security
            json.writeArrayPropertyStart("tags");
            json.writeString("security");
            json.writeString(currentTool);
            if (rule.service() != null && !rule.service().isBlank()) {
                json.writeString(rule.service());
            }
            json.writeEndArray();
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

    /**
     * The synthetic file a cloud finding is placed in: {@code <provider>/<account>/<region>/<resource>}, each part
     * percent-encoded as an RFC 3986 path segment (ARNs keep their colons), {@code global} for no region, {@code unknown} for
     * no account, and the service (else {@code account}) for a finding on no single resource. The same finding has the
     * same URI in every scan, so code scanning keeps one alert across uploads.
     */
    static String uri(String tool, String account, String region, String resource, String service) {
        String provider = tool.equals("kubescape") ? "kubernetes" : "aws";
        String last = resource != null && !resource.isBlank() ? resource : service != null && !service.isBlank() ? service : "account";
        return provider + "/" + segment(account == null || account.isBlank() ? "unknown" : account) + "/"
                + segment(region == null || region.isBlank() ? "global" : region) + "/" + segment(last);
    }

    private static String segment(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~:@!$&'()*+,;=".indexOf(c) >= 0;
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        // why: "." and ".." are path steps, not names; encoded they stay names
        return out.toString().equals(".") ? "%2E" : out.toString().equals("..") ? "%2E%2E" : out.toString();
    }

    private record Rule(String id, String title, String severity, String description, String remediation, String service) {
    }
}
