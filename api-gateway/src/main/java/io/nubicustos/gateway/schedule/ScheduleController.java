package io.nubicustos.gateway.schedule;

import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Scans on a schedule: create, list, change (pause, resume, retime), delete. */
@RestController
@RequestMapping("/api/schedules")
class ScheduleController {

    private final ScheduleRepository schedules;
    private final ScheduleBody bodies;
    private final Clock clock;
    private final GatewayProperties.Schedules settings;
    private final Quotas quotas;

    ScheduleController(ScheduleRepository schedules, ScheduleBody bodies, Clock clock, GatewayProperties properties, Quotas quotas) {
        this.quotas = quotas;
        this.schedules = schedules;
        this.bodies = bodies;
        this.clock = clock;
        this.settings = properties.schedules();
    }

    @Requires(Role.SCAN)
    @PostMapping(consumes = "application/json")
    @ApiResponse(responseCode = "201", description = "created; Location names it", content = @Content(schema = @Schema(implementation = Schedule.class)))
    ResponseEntity<Schedule> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = ScheduleRequest.class))) @RequestBody JsonNode body) {
        Instant now = clock.instant();
        ScheduleRepository.Row row = bodies.create(body, now, settings.shortestInterval(), AuditTrail.actor());
        if (row.enabled()) {
            quotas.requireRoomFor(Quotas.Kind.SCHEDULES);
        }
        schedules.insert(row, now);
        AuditTrail.detail(Map.of("created_schedule", row.id(), "request", row.request(), "timing",
                row.cron() != null ? "cron " + row.cron() + " " + row.timeZone() : "every " + Duration.ofMillis(row.intervalMs())));
        return ResponseEntity.created(URI.create("/api/schedules/" + row.id())).body(existing(row.id()).view());
    }

    @GetMapping
    Schedule.Page list() {
        return new Schedule.Page(schedules.all().stream().map(ScheduleRepository.Row::view).toList());
    }

    @GetMapping("/{id}")
    Schedule get(@PathVariable("id") UUID id) {
        return existing(id).view();
    }

    /** Changes the fields the body names: {@code {"enabled": false}} pauses, {@code {"cron": "0 4 * * *"}} retimes. */
    @Requires(Role.SCAN)
    @PatchMapping(path = "/{id}", consumes = {"application/json", "application/merge-patch+json"})
    Schedule patch(@PathVariable("id") UUID id, @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = ScheduleRequest.class))) @RequestBody JsonNode body) {
        Instant now = clock.instant();
        ScheduleRepository.Row stored = existing(id);
        ScheduleRepository.Row changed = bodies.patch(stored, body, now, settings.shortestInterval());
        if (changed.enabled() && !stored.enabled()) {
            // why: created disabled, then enabled, must not get around the quota on enabled schedules
            quotas.requireRoomFor(Quotas.Kind.SCHEDULES);
        }
        if (!schedules.update(changed, ScheduleBody.timingChanged(stored, changed), now)) {
            throw notFound(id);
        }
        AuditTrail.detail(Map.of("changed_schedule", id, "changes", body));
        return existing(id).view();
    }

    /** Deletes the schedule; its scans stay (their {@code schedule_id} becomes null). */
    @Requires(Role.SCAN)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable("id") UUID id) {
        ScheduleRepository.Row stored = existing(id);
        if (!schedules.delete(id)) {
            throw notFound(id);
        }
        AuditTrail.detail(Map.of("deleted_schedule", id, "request", stored.request()));
    }

    private ScheduleRepository.Row existing(UUID id) {
        return schedules.find(id).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("schedule_not_found", "no schedule with id " + id);
    }
}
