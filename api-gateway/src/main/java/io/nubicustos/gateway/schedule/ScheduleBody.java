package io.nubicustos.gateway.schedule;

import io.nubicustos.gateway.web.validation.RecordFields;
import io.nubicustos.gateway.scan.ScanRequest;
import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.JsonFields;
import io.nubicustos.gateway.web.Printable;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.finding.Severity;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Reads a schedule from a POST or PATCH body. The scan fields go through the same {@link ScanRequestParser} as
 * {@code POST /api/scans} (so a schedule is refused for exactly what a scan would be), and are stored normalized
 * (the profile's default AWS profile filled in, severities as one list); a PATCH changes only the fields it names.
 */
@Component
class ScheduleBody {

    /** A schedule's body: its own fields and its scans' (a schedule has no dry run); names from the documented record. */
    static final List<String> FIELDS = RecordFields.of(ScheduleRequest.class);
    static final List<String> SCAN_FIELDS = FIELDS.stream().filter(ScanRequestParser.FIELDS::contains).toList();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ScanRequestParser parser;
    private final io.nubicustos.gateway.campaign.CampaignCreator campaigns;

    ScheduleBody(ScanRequestParser parser, io.nubicustos.gateway.campaign.CampaignCreator campaigns) {
        this.parser = parser;
        this.campaigns = campaigns;
    }

    /** A new schedule from a POST body. */
    ScheduleRepository.Row create(JsonNode body, Instant now, Duration shortest, String createdBy) {
        requireObject(body);
        return apply(body, null, now, shortest, createdBy);
    }

    /** The schedule after a PATCH: what the body names replaces what was stored; the rest stays. */
    ScheduleRepository.Row patch(ScheduleRepository.Row stored, JsonNode body, Instant now, Duration shortest) {
        requireObject(body);
        return apply(body, stored, now, shortest, stored.createdBy());
    }

    private ScheduleRepository.Row apply(JsonNode body, ScheduleRepository.Row stored, Instant now, Duration shortest, String createdBy) {
        ObjectNode scan = stored == null ? JSON.createObjectNode() : (ObjectNode) stored.request().deepCopy();
        boolean scanChanged = stored == null;
        for (String field : SCAN_FIELDS) {
            if (body.has(field)) {
                scan.set(field, body.get(field));
                scanChanged = true;
            }
        }
        if (body.hasNonNull("accounts") && body.hasNonNull("aws_profile")) {
            throw ApiException.badRequest("aws_profile", "a schedule of campaigns scans each account with its own profile: drop aws_profile");
        }
        if (body.has("accounts")) {
            // why: accounts make the schedule's runs campaigns; null makes them single scans again
            if (body.get("accounts").isNull()) {
                scan.remove("accounts");
            } else {
                scan.set("accounts", body.get("accounts"));
                scan.remove("aws_profile");
            }
            scanChanged = true;
        }
        // why: a change of timing or state alone keeps the stored request as it is, so that a schedule whose profile
        // has since left the catalog can still be paused (its runs say why they fail)
        ObjectNode request = !scanChanged ? scan : scan.has("accounts") ? campaign(scan) : normalized(parser.parse(scan));
        String name = stored == null ? null : stored.name();
        if (body.has("name")) {
            name = body.get("name").isNull() ? null : text(body, "name", 200);
        }
        String cron = stored == null ? null : stored.cron();
        Long intervalMs = stored == null ? null : stored.intervalMs();
        if (body.hasNonNull("cron") && body.hasNonNull("interval")) {
            throw ApiException.badRequest("cron", "a schedule has a cron or an interval, not both");
        }
        if (body.hasNonNull("cron")) {
            cron = text(body, "cron", 200);
            intervalMs = null;
        }
        if (body.hasNonNull("interval")) {
            intervalMs = interval(body).toMillis();
            cron = null;
        }
        if (cron == null && intervalMs == null) {
            throw ApiException.badRequest("cron", "a schedule needs a cron (such as \"0 3 * * *\") or an interval (such as \"6h\")");
        }
        String zone = body.has("time_zone") && !body.get("time_zone").isNull() ? text(body, "time_zone", 64)
                : stored == null ? "UTC" : stored.timeZone();
        String overlap = body.hasNonNull("overlap") ? text(body, "overlap", 16) : stored == null ? "skip" : stored.overlap();
        if (!overlap.equals("skip") && !overlap.equals("queue")) {
            throw ApiException.badRequest("overlap", "overlap must be skip (while this schedule's previous scan runs) or queue");
        }
        boolean enabled = stored == null || stored.enabled();
        if (body.has("enabled")) {
            if (!body.get("enabled").isBoolean()) {
                throw ApiException.badRequest("enabled", "enabled must be true or false");
            }
            enabled = body.get("enabled").asBoolean();
        }
        ScheduleTiming timing;
        try {
            timing = cron != null ? ScheduleTiming.cron(cron, zone)
                    : ScheduleTiming.every(Duration.ofMillis(intervalMs), shortest, now);
            ScheduleTiming.zone(zone);
            if (cron != null && timing.shortestGap(now).compareTo(shortest) < 0) {
                // why: a cron of * * * * * with overlap queue would queue a scan a minute for ever
                throw new InvalidSchedule("cron", "cron '" + cron + "' runs " + timing.shortestGap(now).toMinutes()
                        + " minute(s) apart at times; schedules run at most every " + shortest.toMinutes()
                        + " minutes (nubicustos.schedules.shortest-interval)");
            }
        } catch (InvalidSchedule e) {
            throw ApiException.unprocessable("invalid_schedule", e.field(), e.getMessage());
        }
        boolean timingChanged = stored == null || timingChanged(stored, cron, intervalMs, zone, enabled);
        var next = !enabled ? null : timingChanged ? ScheduleRepository.utc(nextAfter(timing, now)) : stored.nextRunAt();
        return new ScheduleRepository.Row(stored == null ? UUID.randomUUID() : stored.id(), name, request, cron, zone,
                intervalMs, overlap, enabled, next, stored == null ? null : stored.lastRunAt(), stored == null ? null : stored.lastScanId(),
                stored == null ? null : stored.lastOutcome(), createdBy, stored == null ? null : stored.createdAt(),
                stored == null ? null : stored.updatedAt());
    }

    /** Whether a change moves the schedule's next due time (its timing, time zone or state changed). */
    static boolean timingChanged(ScheduleRepository.Row stored, ScheduleRepository.Row changed) {
        return timingChanged(stored, changed.cron(), changed.intervalMs(), changed.timeZone(), changed.enabled());
    }

    private static boolean timingChanged(ScheduleRepository.Row stored, String cron, Long intervalMs, String zone, boolean enabled) {
        return !Objects.equals(cron, stored.cron()) || !Objects.equals(intervalMs, stored.intervalMs()) || !zone.equals(stored.timeZone())
                || enabled != stored.enabled();
    }

    private static Instant nextAfter(ScheduleTiming timing, Instant now) {
        try {
            return timing.nextAfter(now);
        } catch (InvalidSchedule e) {
            throw ApiException.unprocessable("invalid_schedule", e.field(), e.getMessage());
        }
    }

    /** A campaign's request as stored: as a single scan's, with the selection and without an AWS profile (each account has its own). */
    private ObjectNode campaign(ObjectNode scan) {
        if (scan.hasNonNull("aws_profile")) {
            throw ApiException.badRequest("aws_profile", "a schedule of campaigns scans each account with its own profile: drop aws_profile");
        }
        scan.remove("aws_profile");
        ObjectNode checked = campaigns.normalized(scan);
        ObjectNode request = normalized(parser.parseForAccounts(checked, List.of("accounts")));
        request.remove("aws_profile");
        request.set("accounts", checked.get("accounts"));
        return request;
    }

    /** The request as stored and shown: the values the parser resolved, so the schedule says what it will run. */
    private static ObjectNode normalized(ScanRequest request) {
        ObjectNode scan = JSON.createObjectNode();
        scan.put("profile", request.profile().name());
        scan.put("aws_profile", request.awsProfile());
        if (!request.severityFilter().isEmpty()) {
            scan.put("severity_filter", request.severityFilter().stream().map(Severity::db).collect(Collectors.joining(",")));
        }
        ResourceLimits limits = request.limits();
        if (limits != null && !limits.equals(ResourceLimits.NONE)) {
            ObjectNode node = scan.putObject("limits");
            if (limits.memory() != null) {
                node.put("memory", limits.memory());
            }
            if (limits.cpus() != null) {
                node.put("cpus", limits.cpus());
            }
            if (limits.pids() != null) {
                node.put("pids", limits.pids());
            }
            if (limits.timeout() != null) {
                node.put("timeout", limits.timeout());
            }
        }
        if (request.maxParallel() != null) {
            scan.put("max_parallel", request.maxParallel());
        }
        if (!request.scope().isEmpty()) {
            ObjectNode scope = scan.putObject("scope");
            request.scope().asMap().forEach((dimension, values) -> values.forEach(scope.putArray(dimension)::add));
        }
        return scan;
    }

    private static Duration interval(JsonNode body) {
        String text = text(body, "interval", 32);
        try {
            Duration interval = DurationStyle.detectAndParse(text);
            if (interval.toDays() > 366) {
                throw ApiException.badRequest("interval", "interval must be at most a year");
            }
            return interval;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.badRequest("interval", "interval '" + Printable.of(text, 40) + "' is not a duration (such as 15m, 6h, 1d or PT6H)");
        }
    }

    private static String text(JsonNode body, String field, int max) {
        return JsonFields.optionalText(body, field, max);
    }

    private static void requireObject(JsonNode body) {
        JsonFields.requireObject(body, FIELDS, "a schedule");
    }
}
