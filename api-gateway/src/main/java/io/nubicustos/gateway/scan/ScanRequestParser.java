package io.nubicustos.gateway.scan;

import io.nubicustos.gateway.web.validation.RecordFields;
import io.nubicustos.gateway.credentials.AwsProfiles;
import io.nubicustos.model.credentials.AmbientCredentials;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Printable;
import io.nubicustos.model.catalog.InvalidLimit;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.catalog.ScanProfile;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.scan.ScanPlanner;
import io.nubicustos.model.scan.ScanScope;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scan request body (REST or topic) into a {@link ScanRequest}, or explains precisely what is
 * wrong with it: 400 for a body of the wrong shape, 422 for well-formed values that name something
 * that does not exist (profile, severity, aws_profile).
 */
@Component
public class ScanRequestParser {

    public static final List<String> FIELDS = RecordFields.of(ScanRequestBody.class);
    /** A region, service, check or framework name: what the tools' own names are made of, and nothing a shell or a flag parser reads. */
    private static final Pattern SCOPE_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}");
    static final int MAX_SCOPE_VALUES = 100;
    static final List<String> LIMIT_FIELDS = List.of("memory", "cpus", "pids", "timeout");
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}");

    private final ToolCatalog catalog;
    private final AwsProfiles awsProfiles;
    private final ScanPlanner planner;

    ScanRequestParser(ToolCatalog catalog, AwsProfiles awsProfiles, ScanPlanner planner) {
        this.catalog = catalog;
        this.awsProfiles = awsProfiles;
        this.planner = planner;
    }

    public ScanRequest parse(JsonNode body) {
        return parse(body, FIELDS, true);
    }

    /**
     * A request made once for many accounts (a campaign): the fields of a scan request but the AWS profile and the dry run,
     * which each account's scan decides for itself ({@link ScanRequest#forAwsProfile}); {@code extra} are the caller's own
     * fields, left for it to read.
     */
    public ScanRequest parseForAccounts(JsonNode body, List<String> extra) {
        List<String> fields = new ArrayList<>(FIELDS);
        fields.remove("aws_profile");
        fields.remove("dry_run");
        fields.addAll(extra);
        return parse(body, fields, false);
    }

    private ScanRequest parse(JsonNode body, List<String> allowed, boolean single) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(null, "the request body must be a JSON object such as {\"profile\": \"quick\"}");
        }
        for (String name : body.propertyNames()) {
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(abbreviate(name), "unknown field '" + abbreviate(name) + "'; allowed fields: "
                        + String.join(", ", allowed));
            }
        }
        ScanProfile profile = profile(body.get("profile"));
        java.util.Map<String, String> leftOut = planner.leftOut(profile);
        if (leftOut.size() == profile.tools().size()) {
            throw ApiException.unprocessable("nothing_to_run", "profile", "profile '" + profile.name() + "' has no tool that can run here: "
                    + String.join("; ", leftOut.values()));
        }
        String awsProfile = single ? awsProfile(body.get("aws_profile"), profile) : null;
        Set<Severity> severities = severities(body.get("severity_filter"));
        JsonNode dryRun = body.get("dry_run");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw ApiException.badRequest("dry_run", "dry_run must be true or false");
        }
        ResourceLimits limits = limits(body.get("limits"));
        try {
            catalog.requireWithinLimits(profile, limits);
        } catch (InvalidLimit e) {
            throw ApiException.unprocessable("invalid_limits", e.field(), e.getMessage());
        }
        return new ScanRequest(profile, awsProfile, severities, dryRun != null && dryRun.asBoolean(false),
                limits, maxParallel(body.get("max_parallel")), scope(body.get("scope")));
    }

    private static ScanScope scope(JsonNode node) {
        if (node == null || node.isNull()) {
            return ScanScope.NONE;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("scope", "scope must be an object such as {\"regions\": [\"eu-west-1\"], \"services\": [\"s3\"]}");
        }
        for (String name : node.propertyNames()) {
            if (!ScanScope.DIMENSIONS.contains(name)) {
                throw ApiException.badRequest("scope." + abbreviate(name), "unknown scope '" + abbreviate(name) + "'; allowed: "
                        + String.join(", ", ScanScope.DIMENSIONS));
            }
        }
        java.util.Map<String, List<String>> values = new java.util.LinkedHashMap<>();
        for (String dimension : ScanScope.DIMENSIONS) {
            JsonNode list = node.get(dimension);
            List<String> items = new ArrayList<>();
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw ApiException.badRequest("scope." + dimension, "scope." + dimension + " must be an array of names");
                }
                if (list.size() > MAX_SCOPE_VALUES) {
                    throw ApiException.badRequest("scope." + dimension, "scope." + dimension + " names at most " + MAX_SCOPE_VALUES);
                }
                for (JsonNode item : list) {
                    if (!item.isString()) {
                        throw ApiException.badRequest("scope." + dimension, "scope." + dimension + " entries must be strings");
                    }
                    String value = item.asString();
                    // why: values become tool arguments; one that starts with '-' would be read as a flag
                    if (!SCOPE_VALUE.matcher(value).matches()) {
                        throw ApiException.unprocessable("invalid_scope", "scope." + dimension, "scope." + dimension + " entries are 1-128"
                                + " letters, digits or _.:/- starting with a letter or digit (got '" + abbreviate(value) + "')");
                    }
                    if (!items.contains(value)) {
                        items.add(value);
                    }
                }
            }
            values.put(dimension, items);
        }
        return new ScanScope(values.get("regions"), values.get("services"), values.get("checks"), values.get("frameworks"));
    }

    private static ResourceLimits limits(JsonNode node) {
        if (node == null || node.isNull()) {
            return ResourceLimits.NONE;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("limits", "limits must be an object such as {\"memory\": \"1g\", \"timeout\": \"2h\"}");
        }
        for (String name : node.propertyNames()) {
            if (!LIMIT_FIELDS.contains(name)) {
                throw ApiException.badRequest("limits." + abbreviate(name), "unknown limit '" + abbreviate(name) + "'; allowed: "
                        + String.join(", ", LIMIT_FIELDS));
            }
        }
        String memory = stringOrNull(node, "memory");
        String timeout = stringOrNull(node, "timeout");
        Double cpus = null;
        if (node.hasNonNull("cpus")) {
            if (!node.get("cpus").isNumber()) {
                throw ApiException.badRequest("limits.cpus", "limits.cpus must be a number such as 1.5");
            }
            cpus = node.get("cpus").asDouble();
        }
        Integer pids = null;
        if (node.hasNonNull("pids")) {
            if (!node.get("pids").isIntegralNumber()) {
                throw ApiException.badRequest("limits.pids", "limits.pids must be an integer");
            }
            // why: asInt() of a number past the int range wraps around (4294967312 would read as 16)
            if (!node.get("pids").canConvertToInt()) {
                throw ApiException.unprocessable("invalid_limits", "limits.pids", "limits.pids must be between "
                        + ResourceLimits.MIN_PIDS + " and " + ResourceLimits.MAX_PIDS);
            }
            pids = node.get("pids").asInt();
        }
        ResourceLimits limits = new ResourceLimits(memory, cpus, pids, timeout);
        try {
            limits.validate("limits");
        } catch (InvalidLimit e) {
            throw ApiException.unprocessable("invalid_limits", e.field(), e.getMessage());
        }
        return limits;
    }

    private static String stringOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiException.badRequest("limits." + field, "limits." + field + " must be a string such as \"1g\" or \"2h\"");
        }
        return value.asString();
    }

    private static Integer maxParallel(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1 || node.asInt() > 100) {
            throw ApiException.badRequest("max_parallel", "max_parallel must be an integer from 1 to 100");
        }
        return node.asInt();
    }

    private ScanProfile profile(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("profile", "profile is required; known profiles: " + knownProfiles());
        }
        if (!node.isString()) {
            throw ApiException.badRequest("profile", "profile must be a string");
        }
        return catalog.profile(node.asString()).orElseThrow(() -> ApiException.unprocessable("unknown_profile", "profile",
                "profile '" + abbreviate(node.asString()) + "' does not exist; known profiles: " + knownProfiles()));
    }

    private String knownProfiles() {
        return String.join(", ", catalog.profiles().stream().map(ScanProfile::name).toList());
    }

    private String awsProfile(JsonNode node, ScanProfile profile) {
        String name = "default";
        if (node != null && !node.isNull()) {
            if (!node.isString()) {
                throw ApiException.badRequest("aws_profile", "aws_profile must be a string");
            }
            name = node.asString();
            if (!PROFILE_NAME.matcher(name).matches()) {
                throw ApiException.unprocessable("invalid_aws_profile", "aws_profile",
                        "aws_profile must be 1-128 letters, digits or _.@+- (got '" + abbreviate(name) + "')");
            }
        }
        boolean needsAws = profile.tools().stream().map(catalog::requireTool).map(ToolDefinition::credentials)
                .anyMatch(c -> c != null && "aws".equals(c.kind()));
        if (needsAws && !awsProfiles.contains(name) && !awsProfiles.mayBeAmbient(name)) {
            Set<String> known = awsProfiles.names();
            String where = awsProfiles.source();
            String ambient = AmbientCredentials.PROFILE.equals(name)
                    ? " (workers with an instance role or environment credentials: set nubicustos.credentials.allow-ambient=true)" : "";
            throw ApiException.unprocessable("unknown_aws_profile", "aws_profile", known.isEmpty()
                    ? "aws_profile '" + name + "' cannot be used: there is no AWS profile in " + where + ambient
                    : "aws_profile '" + name + "' is not in " + where + "; available: " + String.join(", ", known) + ambient);
        }
        return name;
    }

    private static Set<Severity> severities(JsonNode node) {
        Set<Severity> result = EnumSet.noneOf(Severity.class);
        if (node == null || node.isNull()) {
            return result;
        }
        List<String> values = new ArrayList<>();
        if (node.isString()) {
            for (String part : node.asString().split(",")) {
                if (!part.isBlank()) {
                    values.add(part.trim());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isString()) {
                    throw ApiException.badRequest("severity_filter", "severity_filter entries must be strings");
                }
                values.add(item.asString().trim());
            }
        } else {
            throw ApiException.badRequest("severity_filter",
                    "severity_filter must be a comma-separated string such as \"critical,high\"");
        }
        for (String value : values) {
            result.add(Severity.parse(value).orElseThrow(() -> ApiException.unprocessable("unknown_severity", "severity_filter",
                    "unknown severity '" + abbreviate(value) + "'; use critical, high, medium, low or info")));
        }
        return result;
    }

    private static String abbreviate(String value) {
        return Printable.of(value, 64);
    }
}
