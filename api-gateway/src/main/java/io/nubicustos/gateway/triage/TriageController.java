package io.nubicustos.gateway.triage;

import io.nubicustos.gateway.web.validation.HasText;
import io.nubicustos.gateway.web.validation.PlainText;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.Valid;
import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Triage: accept a finding as a risk, mark it a false positive, or mute it, by fingerprint or by a rule.
 * Every change is in the audit log (the request, and the rule's id and what it covers).
 */
@RestController
@RequestMapping("/api/triage")
class TriageController {


    private final TriageRules rules;
    private final TriageGuardrails guardrails;
    private final Clock clock;
    private final Quotas quotas;

    TriageController(TriageRules rules, TriageGuardrails guardrails, Clock clock, Quotas quotas) {
        this.quotas = quotas;
        this.rules = rules;
        this.guardrails = guardrails;
        this.clock = clock;
    }

    @Requires(Role.TRIAGE)
    @PostMapping(consumes = "application/json")
    @ApiResponse(responseCode = "201", description = "created; Location names it", content = @Content(schema = @Schema(implementation = TriageRule.class)))
    ResponseEntity<TriageRule> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = TriageRequest.class))) @Valid @RequestBody TriageRequest body) {
        Instant now = clock.instant();
        TriageRules.NewRule rule = read(body, now);
        List<String> broken = guardrails.violations(rule.fingerprint(), rule.tool(), rule.checkId(), rule.resource(), rule.state(),
                rule.expiresAt(), now);
        if (!broken.isEmpty()) {
            throw ApiException.unprocessable("triage_guardrail", broken.get(0).startsWith("unscoped") ? "fingerprint" : "expires_at",
                    "the rule breaks " + (broken.size() == 1 ? "a guardrail: " : "guardrails: ") + String.join("; ", broken));
        }
        quotas.requireRoomFor(Quotas.Kind.TRIAGE_RULES);
        UUID id = rules.insert(rule, now).orElseThrow(() -> ApiException.quotaExceeded("nubicustos.triage.max-active-rules",
                "there are " + guardrails.maxActiveRules() + " active triage rules, the most there may be"
                        + " (nubicustos.triage.max-active-rules): delete some or let them expire first"));
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("created_triage_rule", id);
        audit.put("state", rule.state());
        audit.put("covers", covers(rule));
        audit.put("reason", rule.reason());
        if (rule.expiresAt() != null) {
            audit.put("expires_at", rule.expiresAt().toString());
        }
        AuditTrail.detail(audit);
        return ResponseEntity.created(URI.create("/api/triage/" + id)).body(rules.find(id, now).orElseThrow());
    }

    @GetMapping
    TriageRule.Page list(@RequestParam(name = "active", defaultValue = "false") boolean activeOnly,
                         @RequestParam(name = "violations", defaultValue = "false") boolean violations) {
        // why: rules made before the guardrails keep working; they are found here, each with what it breaks
        return new TriageRule.Page(violations ? rules.violating(clock.instant()) : rules.all(activeOnly, clock.instant()));
    }

    @GetMapping("/{id}")
    TriageRule get(@PathVariable("id") UUID id) {
        return rules.find(id, clock.instant()).orElseThrow(() -> notFound(id));
    }

    /** Deletes the rule: what it covered counts again. */
    @Requires(Role.TRIAGE)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable("id") UUID id) {
        TriageRule rule = rules.find(id, clock.instant()).orElseThrow(() -> notFound(id));
        if (!rules.delete(id)) {
            throw notFound(id);
        }
        // why: the row is gone; the audit log keeps what it covered, so it says what counts again
        AuditTrail.detail(Map.of("deleted_triage_rule", id, "rule", rule));
    }

    private static TriageRules.NewRule read(TriageRequest body, Instant now) {
        if (body.fingerprint() == null && body.tool() == null && body.checkId() == null && body.resource() == null && body.account() == null) {
            throw ApiException.badRequest("fingerprint", "say what the rule covers: a fingerprint, or any of tool, check_id, resource"
                    + " (a pattern, * for any characters) and account");
        }
        String fingerprint = body.fingerprint();
        String tool = body.tool();
        String check = body.checkId();
        String resource = body.resource();
        String account = body.account();
        String state = body.state();
        String reason = body.reason();
        OffsetDateTime expires = null;
        String expiresText = body.expiresAt();
        if (expiresText != null) {
            try {
                expires = OffsetDateTime.parse(expiresText);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("expires_at", "expires_at must be a date and time with its offset, such as 2027-01-31T00:00:00Z");
            }
            if (!expires.toInstant().isAfter(now)) {
                throw ApiException.unprocessable("invalid_triage", "expires_at", "expires_at is in the past");
            }
        }
        return new TriageRules.NewRule(fingerprint, tool, check, resource, account, state, reason, AuditTrail.actor(), expires);
    }

    private static Map<String, Object> covers(TriageRules.NewRule rule) {
        Map<String, Object> covers = new LinkedHashMap<>();
        put(covers, "fingerprint", rule.fingerprint());
        put(covers, "tool", rule.tool());
        put(covers, "check_id", rule.checkId());
        put(covers, "resource", rule.resource());
        put(covers, "account", rule.account());
        return covers;
    }

    private static void put(Map<String, Object> map, String key, @Nullable Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("triage_rule_not_found", "no triage rule with id " + id);
    }

    /** The body of {@code POST /api/triage}: what the rule covers (at least one of the first five), its state and why. */
    @Schema(name = "TriageRequest")
    record TriageRequest(@Pattern(regexp = "[0-9a-f]{64}", message = "is 64 lower-case hex characters") @Nullable String fingerprint,
                         @Size(max = 100) @PlainText @Nullable String tool,
                         @Size(max = 500) @PlainText @Nullable String checkId,
                         @Schema(description = "resource ids, * for any run of characters", example = "arn:aws:s3:::public-*")
                         @Size(max = 1000) @PlainText @Nullable String resource,
                         @Size(max = 200) @PlainText @Nullable String account,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"accepted_risk", "false_positive", "muted"})
                         @NotNull(message = "must be one of accepted_risk, false_positive, muted")
                         @Pattern(regexp = "accepted_risk|false_positive|muted", message = "must be one of accepted_risk, false_positive, muted")
                         String state,
                         @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
                         @NotNull(message = "is required: it is shown wherever the finding is")
                         @HasText(message = "is required: it is shown wherever the finding is") @Size(max = 2000) @PlainText String reason,
                         @Schema(example = "2027-01-31T00:00:00Z") @Size(max = 64) @PlainText @Nullable String expiresAt) {
    }
}
