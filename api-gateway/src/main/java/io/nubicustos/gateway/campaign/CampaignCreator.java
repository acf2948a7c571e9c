package io.nubicustos.gateway.campaign;

import io.nubicustos.gateway.account.Account;
import io.nubicustos.gateway.account.AccountRepository;
import io.nubicustos.gateway.credentials.AwsProfiles;
import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.scan.ScanCreator;
import io.nubicustos.gateway.scan.ScanRequest;
import io.nubicustos.gateway.scan.ScanRequestParser;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.scan.Ids;
import io.nubicustos.model.scan.ScanScope;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Creates a campaign: its row and one child scan per selected account, in one transaction, so a campaign is never seen
 * with half its accounts. Each child is a normal scan (status, errors, findings, diff, triage, degradation work on it as on
 * any scan) that names its account; a role-reached account's steps assume its role. Accounts that cannot be scanned now
 * are skipped, each with its reason: AWS Organizations says it is not active, or the workers have no profile to reach it.
 */
@Service
public class CampaignCreator {

    static final List<String> EXTRA_FIELDS = List.of("accounts");
    private static final String INSERT = io.nubicustos.model.lifecycle.StatusSql.expand("""
            insert into campaigns (id, profile, selection, selection_key, request, status, source, request_id, created_by, created_at, skipped)
            values (:id, :profile, cast(:selection as jsonb), :selectionKey, cast(:request as jsonb), {campaign:running}, :source, :requestId,
                    :createdBy, :now, cast(:skipped as jsonb))
            on conflict (request_id) do nothing
            """);

    private final ScanRequestParser parser;
    private final ScanCreator scans;
    private final AccountRepository accounts;
    private final AwsProfiles awsProfiles;
    private final Quotas quotas;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    CampaignCreator(ScanRequestParser parser, ScanCreator scans, AccountRepository accounts, AwsProfiles awsProfiles, Quotas quotas,
                    JdbcClient jdbc, ObjectMapper json, Clock clock) {
        this.parser = parser;
        this.scans = scans;
        this.accounts = accounts;
        this.awsProfiles = awsProfiles;
        this.quotas = quotas;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** An account left out of a campaign, and why. */
    public record Skipped(String account_id, String reason) {
    }

    /** A child scan: the account and its scan. */
    public record Child(String account_id, UUID scan_id) {
    }

    /** What was created: the campaign, its children, the accounts skipped; {@code isNew} false for a request seen before. */
    public record Created(UUID campaignId, String profile, List<Child> scans, List<Skipped> skipped, boolean isNew) {
    }

    /**
     * Creates the campaign {@code body} asks for.
     *
     * @param requestId a Kafka request's id (a redelivered request creates nothing), or null
     */
    // why: NESTED: a schedule's run calls this inside its own transaction and records why a campaign could not be made; a
    // refusal here rolls back to a savepoint, not the caller's whole transaction (alone, it is an ordinary transaction)
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.NESTED)
    public Created create(JsonNode body, String source, String requestId, String createdBy, ScanCreator.Requester requester) {
        return create(body, source, requestId, createdBy, requester, null);
    }

    /** As above, for a schedule's due time: the child scans name the schedule, so its overlap rule sees them. */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.NESTED)
    public Created create(JsonNode body, String source, String requestId, String createdBy, ScanCreator.Requester requester,
                          UUID scheduleId) {
        ScanRequest template = parser.parseForAccounts(body, EXTRA_FIELDS);
        CampaignSelection selection = CampaignSelection.parse(body.get("accounts"));
        if (requestId != null) {
            Optional<UUID> seen = jdbc.sql("select id from campaigns where request_id = :requestId").param("requestId", requestId)
                    .query(UUID.class).optional();
            if (seen.isPresent()) {
                return new Created(seen.get(), template.profile().name(), children(seen.get()), List.of(), false);
            }
        }
        List<Account> selected = select(selection);
        if (selected.size() > CampaignSelection.MAX_ACCOUNTS) {
            throw ApiException.unprocessable("too_many_accounts", "accounts", "the selection matches " + selected.size()
                    + " accounts; a campaign scans at most " + CampaignSelection.MAX_ACCOUNTS + " (select by tags, or split it)");
        }
        List<Skipped> skipped = new ArrayList<>();
        List<Account> reachable = new ArrayList<>();
        for (Account account : selected) {
            if (!account.scannable()) {
                skipped.add(new Skipped(account.accountId(), "AWS Organizations says it is " + account.orgStatus()
                        + "; only ACTIVE accounts are scanned"));
            } else if (!awsProfiles.contains(account.requiredProfile())) {
                skipped.add(new Skipped(account.accountId(), (account.roleReached() ? "its role's source_profile '" : "its profile '")
                        + account.requiredProfile() + "' is not in " + awsProfiles.source()));
            } else {
                reachable.add(account);
            }
        }
        if (reachable.isEmpty()) {
            throw ApiException.unprocessable("no_account_to_scan", "accounts", skipped.isEmpty()
                    ? "the selection matches no account (GET /api/accounts lists them)"
                    : "no selected account can be scanned: " + skipped.stream().limit(5).map(s -> s.account_id() + ": " + s.reason())
                    .collect(Collectors.joining("; ")) + (skipped.size() > 5 ? "; …" : ""));
        }
        quotas.requireRoomFor(Quotas.Kind.UNSETTLED_SCANS, reachable.size());
        UUID campaignId = Ids.timeOrdered(clock);
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int inserted = jdbc.sql(INSERT).param("id", campaignId).param("profile", template.profile().name())
                .param("selection", json.writeValueAsString(selection.view())).param("selectionKey", selection.key())
                .param("request", json.writeValueAsString(stored(template))).param("source", source).param("requestId", requestId)
                .param("createdBy", createdBy).param("now", now).param("skipped", json.writeValueAsString(skipped)).update();
        if (inserted == 0) {
            UUID existing = jdbc.sql("select id from campaigns where request_id = :requestId").param("requestId", requestId).query(UUID.class).single();
            return new Created(existing, template.profile().name(), children(existing), List.of(), false);
        }
        List<Child> children = new ArrayList<>();
        for (Account account : reachable) {
            ScanScope scope = template.scope();
            if (scope.regions().isEmpty() && !account.regions().isEmpty()) {
                // why: an account's default regions narrow its scan when the request names none
                scope = new ScanScope(account.regions(), scope.services(), scope.checks(), scope.frameworks());
            }
            ScanRequest request = template.forAwsProfile(account.scanProfile(), scope);
            ScanCreator.CreatedScan scan = scans.createForAccount(request, source, createdBy, requester, campaignId, account.accountId(),
                    account.roleReached() ? account::assumedRole : null, scheduleId);
            children.add(new Child(account.accountId(), scan.scanId()));
        }
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put("created_campaign", campaignId);
        audit.put("profile", template.profile().name());
        audit.put("accounts", children.size());
        audit.put("skipped", skipped.size());
        AuditTrail.detail(audit);
        return new Created(campaignId, template.profile().name(), children, skipped, true);
    }

    /**
     * A campaign request as a schedule stores it: checked as {@link #create} would check it (but for the accounts, which are
     * resolved at each run), with the selection written the one way it is shown.
     */
    public tools.jackson.databind.node.ObjectNode normalized(JsonNode body) {
        parser.parseForAccounts(body, EXTRA_FIELDS);
        CampaignSelection selection = CampaignSelection.parse(body.get("accounts"));
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) body.deepCopy();
        copy.set("accounts", json.valueToTree(selection.view()));
        return copy;
    }

    private List<Account> select(CampaignSelection selection) {
        if (selection.all()) {
            return accounts.all();
        }
        if (!selection.tags().isEmpty()) {
            return accounts.taggedWith(selection.tags());
        }
        List<Account> found = accounts.findAll(selection.ids());
        Set<String> missing = new TreeSet<>(selection.ids());
        found.forEach(account -> missing.remove(account.accountId()));
        if (!missing.isEmpty()) {
            throw ApiException.unprocessable("unknown_account", "accounts", "no account " + String.join(", ", missing.stream().limit(10).toList())
                    + (missing.size() > 10 ? " (and " + (missing.size() - 10) + " more)" : "") + "; add them with POST /api/accounts or /api/accounts/import");
        }
        return found;
    }

    private static Map<String, Object> stored(ScanRequest template) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("profile", template.profile().name());
        request.put("severity_filter", template.severityFilter().stream().map(Severity::db).sorted().toList());
        request.put("scope", template.scope().asMap());
        if (template.maxParallel() != null) {
            request.put("max_parallel", template.maxParallel());
        }
        return request;
    }

    private List<Child> children(UUID campaignId) {
        return jdbc.sql("select account_id, id from scans where campaign_id = :id order by account_id").param("id", campaignId)
                .query((rs, n) -> new Child(rs.getString("account_id"), rs.getObject("id", UUID.class))).list();
    }
}
