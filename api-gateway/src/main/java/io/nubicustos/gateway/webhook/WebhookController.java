package io.nubicustos.gateway.webhook;

import io.nubicustos.gateway.web.validation.HasText;
import io.nubicustos.gateway.web.validation.RecordFields;
import io.nubicustos.gateway.web.validation.PlainText;
import jakarta.validation.constraints.Size;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.Valid;
import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.JsonFields;
import io.nubicustos.gateway.web.Paging;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.messaging.WebhookFanout;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Webhook subscriptions: where to post which events, signed with whose secret. The secret is shown once, in the
 * answer that created it (or set by the caller); a PATCH may replace it. Every change is in the audit log (without
 * the secret), and each subscription's deliveries, with every attempt and the receiver's answer, are listed.
 */
@RestController
@Requires(Role.ADMIN)
@RequestMapping("/api/webhooks")
class WebhookController {

    private static final List<String> FIELDS = RecordFields.of(WebhookRequest.class);
    private static final List<String> FORMATS = List.of("cloudevents", "slack");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Webhooks webhooks;
    private final Clock clock;
    private final Quotas quotas;

    WebhookController(Webhooks webhooks, Clock clock, Quotas quotas) {
        this.quotas = quotas;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    @PostMapping(consumes = "application/json")
    @ApiResponse(responseCode = "201", description = "created; the answer holds the secret, the only time it is shown",
            content = @Content(schema = @Schema(implementation = Webhook.class)))
    ResponseEntity<Webhook> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = WebhookRequest.class))) @Valid @RequestBody WebhookRequest body) {
        quotas.requireRoomFor(Quotas.Kind.WEBHOOKS);
        checkUrl(body.url());
        Webhooks.Definition definition = new Webhooks.Definition(body.url(), eventTypes(body.eventTypes()),
                body.minSeverity() == null ? "high" : severity(body.minSeverity()), body.format() == null ? "cloudevents" : format(body.format()),
                body.enabled() == null || body.enabled(), body.description());
        String secret = body.secret();
        UUID id = UUID.randomUUID();
        String effective = secret == null ? generatedSecret() : secret;
        webhooks.insert(id, definition, effective, AuditTrail.actor(), clock.instant());
        audit("created_webhook", id, definition);
        Webhook created = webhooks.find(id).orElseThrow();
        // why: a secret the caller chose is not echoed back; a generated one must be, once, or nobody could verify
        Webhook answer = secret == null ? withSecret(created, effective) : created;
        return ResponseEntity.created(URI.create("/api/webhooks/" + id)).body(answer);
    }

    @GetMapping
    Webhook.Page list() {
        // why: webhook addresses are secrets (a Slack URL is a credential): who read them is in the audit log
        AuditTrail.detail(java.util.Map.of("read", "webhooks"));
        return new Webhook.Page(webhooks.all());
    }

    @GetMapping("/{id}")
    Webhook get(@PathVariable("id") UUID id) {
        AuditTrail.detail(java.util.Map.of("read", "webhook", "webhook_id", id.toString()));
        return webhooks.find(id).orElseThrow(() -> notFound(id));
    }

    @PatchMapping(value = "/{id}", consumes = "application/json")
    Webhook update(@PathVariable("id") UUID id, @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = WebhookChange.class))) @RequestBody JsonNode body) {
        JsonFields.requireObject(body, FIELDS, "a webhook");
        Webhook stored = webhooks.find(id).orElseThrow(() -> notFound(id));
        Webhooks.Definition definition = read(body, stored);
        String secret = secret(body);
        if (!webhooks.update(id, definition, secret)) {
            throw notFound(id);
        }
        if (stored.enabled() && !definition.enabled()) {
            // why: events that wait for a paused subscription would arrive in a stale burst when it resumes
            webhooks.failPending(id, "the subscription was paused before this event could be delivered");
        }
        Map<String, Object> audit = audit("updated_webhook", id, definition);
        if (secret != null) {
            audit.put("secret", "replaced");
            AuditTrail.detail(audit);
        }
        return webhooks.find(id).orElseThrow(() -> notFound(id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable("id") UUID id) {
        Webhook stored = webhooks.find(id).orElseThrow(() -> notFound(id));
        if (!webhooks.delete(id)) {
            throw notFound(id);
        }
        AuditTrail.detail(Map.of("deleted_webhook", id, "host", URI.create(stored.url()).getHost(), "event_types", stored.eventTypes()));
    }

    /** The subscription's deliveries, newest first, each with its attempts and the receiver's answers. */
    @GetMapping("/{id}/deliveries")
    Webhook.Deliveries deliveries(@PathVariable("id") UUID id, @RequestParam(name = "page", defaultValue = "0") int page,
                                  @RequestParam(name = "size", defaultValue = "50") int size) {
        webhooks.find(id).orElseThrow(() -> notFound(id));
        Paging paging = Paging.of(page, size);
        return new Webhook.Deliveries(webhooks.deliveries(id, paging.size(), paging.offset()), paging.page(), paging.size(),
                webhooks.countDeliveries(id));
    }

    private static Webhooks.Definition read(JsonNode body, @Nullable Webhook stored) {
        String url = JsonFields.optionalText(body, "url", 2000);
        if (url == null) {
            if (stored == null) {
                throw ApiException.badRequest("url", "url is required: where the events are posted (http or https)");
            }
            url = stored.url();
        } else {
            checkUrl(url);
        }
        List<String> types = stored == null ? null : stored.eventTypes();
        if (body.has("event_types") || stored == null) {
            types = eventTypes(body.get("event_types"));
        }
        String minSeverity = JsonFields.optionalText(body, "min_severity", 32);
        minSeverity = minSeverity != null ? severity(minSeverity) : stored == null ? "high" : stored.minSeverity();
        String format = JsonFields.optionalText(body, "format", 32);
        format = format != null ? format(format) : stored == null ? "cloudevents" : stored.format();
        boolean enabled = JsonFields.optionalBoolean(body, "enabled", stored == null || stored.enabled());
        String description = body.has("description") || stored == null ? JsonFields.optionalText(body, "description", 500) : stored.description();
        return new Webhooks.Definition(url, types, minSeverity, format, enabled, description);
    }

    private static void checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("url", "url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("url", "url must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw ApiException.badRequest("url", "url must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("url", "url must not carry a user name or password; the deliveries are signed with the secret");
        }
    }

    private static List<String> eventTypes(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("event_types", "event_types must be a non-empty list of " + String.join(", ", WebhookFanout.EVENT_TYPES));
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : node) {
            if (!type.isString()) {
                throw unknownType(type.toString());
            }
            types.add(type.asString());
        }
        return eventTypes(types);
    }

    /** The known event types among {@code types}, each once; refuses an unknown one. */
    private static List<String> eventTypes(List<String> types) {
        List<String> known = new ArrayList<>();
        for (String type : types) {
            if (type == null || !WebhookFanout.EVENT_TYPES.contains(type)) {
                throw unknownType(String.valueOf(type));
            }
            if (!known.contains(type)) {
                known.add(type);
            }
        }
        return known;
    }

    private static ApiException unknownType(String type) {
        return ApiException.badRequest("event_types", "unknown event type " + io.nubicustos.gateway.web.Printable.of(type, 60)
                + "; the types are " + String.join(", ", WebhookFanout.EVENT_TYPES));
    }

    private static String severity(String value) {
        return Severity.parse(value).map(Severity::db).orElseThrow(() -> ApiException.badRequest("min_severity",
                "min_severity must be one of critical, high, medium, low, info"));
    }

    private static String format(String value) {
        if (!FORMATS.contains(value)) {
            throw ApiException.badRequest("format", "format must be cloudevents (a signed CloudEvent) or slack (a Slack-compatible text body)");
        }
        return value;
    }

    private static @Nullable String secret(JsonNode body) {
        String secret = JsonFields.optionalText(body, "secret", 200);
        if (secret != null && (secret.length() < 16 || secret.isBlank())) {
            throw ApiException.badRequest("secret", "a secret has at least 16 characters (or leave it out and one is generated)");
        }
        return secret;
    }

    private static String generatedSecret() {
        return WebhookSignature.newSecret(RANDOM);
    }

    private static Webhook withSecret(Webhook webhook, String secret) {
        return new Webhook(webhook.webhookId(), webhook.url(), webhook.eventTypes(), webhook.minSeverity(), webhook.format(),
                webhook.enabled(), webhook.description(), webhook.createdBy(), webhook.createdAt(), secret);
    }

    private static Map<String, Object> audit(String action, UUID id, Webhooks.Definition definition) {
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put(action, id);
        // why: some receivers (Slack's) carry their token in the URL's path; the audit log names the host only
        audit.put("host", URI.create(definition.url()).getHost());
        audit.put("event_types", definition.eventTypes());
        audit.put("format", definition.format());
        audit.put("enabled", definition.enabled());
        AuditTrail.detail(audit);
        return audit;
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("webhook_not_found", "no webhook with id " + id);
    }

    /** The body of {@code POST /api/webhooks} (and, every field optional, of {@code PATCH}), as the contract shows it. */
    @Schema(name = "WebhookRequest")
    record WebhookRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://hooks.example.com/nubicustos")
                          @NotNull(message = "is required: where the events are posted (http or https)") @Size(max = 2000) @PlainText String url,
                          @ArraySchema(schema = @Schema(allowableValues = {"scan.completed", "scan.failed", "scan.cancelled", "scan.degraded",
                                  "findings.new", "findings.reopened", "findings.fixed", "findings.triaged", "campaign.completed", "campaign.degraded", "campaign.cancelled"}),
                                  arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED))
                          @NotEmpty(message = "must be a non-empty list of scan.completed, scan.failed, scan.cancelled, scan.degraded,"
                                  + " findings.new, findings.reopened, findings.fixed, findings.triaged, campaign.completed, campaign.degraded, campaign.cancelled") List<String> eventTypes,
                          @Schema(allowableValues = {"critical", "high", "medium", "low", "info"},
                                  description = "for the findings.* events: sent only when one of their findings is at least this severe")
                          @Size(max = 32) @PlainText @Nullable String minSeverity,
                          @Schema(allowableValues = {"cloudevents", "slack"}) @Size(max = 32) @PlainText @Nullable String format,
                          @Schema(description = "at least 16 characters; generated (and shown once) when left out")
                          @Size.List({@Size(min = 16, message = "has at least 16 characters (or leave it out and one is generated)"),
                                  @Size(max = 200, message = "has at most 200 characters")})
                          @HasText @PlainText @Nullable String secret,
                          @Nullable Boolean enabled, @Size(max = 500) @PlainText @Nullable String description) {
    }

    /** The body of {@code PATCH /api/webhooks/{id}}: the fields it names change, the others stay. */
    @Schema(name = "WebhookChange")
    record WebhookChange(@Nullable String url, @Nullable List<String> eventTypes, @Nullable String minSeverity, @Nullable String format,
                         @Schema(description = "replaces the secret") @Nullable String secret, @Nullable Boolean enabled,
                         @Nullable String description) {
    }
}
