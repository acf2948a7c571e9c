package io.nubicustos.processor.report.cloudfox;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.BoundedTree;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.JsonReports;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportFiles;
import io.nubicustos.processor.report.ReportParser;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.nio.file.LinkOption;

/**
 * CloudFox enumerates; it does not judge. Its {@code json/<module>.json} tables (arrays of objects whose
 * values are all strings) are inventory, from which three documented signals are derived as findings:
 * <ul>
 *   <li>a row with a column named like {@code Public?} set to yes/true: the resource is public (high);</li>
 *   <li>a row with a column named like {@code Admin?} or {@code Privesc?} set to yes/true: a principal
 *       with admin or privilege-escalation rights (high);</li>
 *   <li>every row of {@code env-vars-interesting}: an environment variable that looks like a secret (high).</li>
 * </ul>
 * Every other row counts as inventory in the step's note. The account comes from the row's
 * {@code Account} column.
 */
public final class CloudFoxParser implements ReportParser {

    public static final String FORMAT = "cloudfox-json";
    private static final String TOOL = "cloudfox";

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = ReportFiles.matching(reportDir, ".json").stream()
                .filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("json")).toList();
        long rows = 0;
        long findings = 0;
        for (Path file : files) {
            String module = file.getFileName().toString().replaceFirst("\\.json$", "");
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS); JsonParser parser = JsonReports.MAPPER.createParser(in)) {
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()), "expected a JSON array of table rows");
                }
                JsonToken token;
                while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                    var at = parser.currentTokenLocation();
                    JsonNode row = BoundedTree.read(parser, file);
                    rows++;
                    try {
                        String signal = signal(module, row);
                        if (signal != null) {
                            findings++;
                            sink.accept(finding(module, signal, row));
                        }
                    } catch (RuntimeException e) {
                        throw JsonReports.unreadable(file, at, e);
                    }
                }
                if (token != JsonToken.END_ARRAY) {
                    throw new ReportException(file, JsonReports.position(parser.currentTokenLocation()),
                            token == null ? "the array ends before its closing ']' (truncated report)" : "expected a row object, found " + token);
                }
            } catch (JacksonException e) {
                throw new ReportException(file, JsonReports.position(e.getLocation()), e.getOriginalMessage());
            } catch (IOException e) {
                throw new ReportException(file, null, "cannot read: " + e.getMessage());
            }
        }
        return "read " + rows + " CloudFox table row(s) from " + files.size() + " module file(s); " + findings
                + " derived finding(s), the rest is inventory";
    }

    /** Which documented signal a row carries, or null for plain inventory. */
    static String signal(String module, JsonNode row) {
        if (module.startsWith("env-vars-interesting")) {
            return "secret-in-environment";
        }
        for (Map.Entry<String, JsonNode> column : row.properties()) {
            String name = column.getKey().toLowerCase(Locale.ROOT);
            String value = column.getValue().isString() ? column.getValue().asString().strip().toLowerCase(Locale.ROOT) : "";
            boolean yes = value.equals("yes") || value.equals("true");
            if (yes && name.contains("public")) {
                return "public-resource";
            }
            if (yes && (name.contains("admin") || name.contains("privesc"))) {
                return "admin-or-privesc-principal";
            }
        }
        return null;
    }

    private static Finding finding(String module, String signal, JsonNode row) {
        // why: modules name their resource column differently (role-trusts: "Role Arn", permissions: "Principal Arn")
        String resource = first(row, "Arn", "ARN", "Role Arn", "Principal Arn", "Name", "Role Name", "Key");
        String title = switch (signal) {
            case "secret-in-environment" -> "Environment variable that looks like a secret";
            case "public-resource" -> "Publicly accessible resource";
            default -> "Principal with admin or privilege-escalation rights";
        };
        return new Finding(TOOL, module + ":" + signal, title, Severity.HIGH, FindingStatus.FAIL, first(row, "Account"),
                first(row, "Region"), first(row, "Service", "Type"), resource, "CloudFox " + module + " row: " + withoutSecrets(module, row),
                null, Map.of(), null);
    }

    /**
     * The row as findings keep it: an environment variable's value (the env-vars modules' {@code Value} column,
     * BishopFox/cloudfox@ba4ff4701a537750f0aa11b1fb0ffa1f545cc000 aws/env-vars.go:127-134) is a secret the scanned account
     * holds, kept as its name and a short hash, never whole: findings go into exports, archives and webhooks.
     */
    static JsonNode withoutSecrets(String module, JsonNode row) {
        if (!module.startsWith("env-vars") || !(row instanceof tools.jackson.databind.node.ObjectNode object) || !object.has("Value")) {
            return row;
        }
        tools.jackson.databind.node.ObjectNode copy = object.deepCopy();
        copy.put("Value", secretDigest(object.get("Value").asString("")));
        return copy;
    }

    static String secretDigest(String secret) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "[withheld: " + secret.length() + " characters, sha256 " + java.util.HexFormat.of().formatHex(digest, 0, 6) + "]";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(JsonNode row, String... columns) {
        for (String column : columns) {
            String value = JsonReports.text(row, column);
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
