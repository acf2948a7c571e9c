package io.nubicustos.gateway.account;

import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.account.ApiBudgets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The accounts campaigns scan: written by hand or imported from what {@code aws organizations list-accounts} prints. Changing
 * them needs {@code admin} (they say which role the workers assume where); reading them, {@code read}.
 */
@RestController
@RequestMapping("/api/accounts")
@Requires(Role.ADMIN)
class AccountController {

    private final AccountRepository accounts;
    private final Clock clock;
    private final int defaultBudget;

    AccountController(AccountRepository accounts, Clock clock, @Value(ApiBudgets.DEFAULT_PROPERTY) int defaultBudget) {
        this.accounts = accounts;
        this.clock = clock;
        this.defaultBudget = defaultBudget;
    }

    @Requires(Role.READ)
    @GetMapping
    Account.Page list() {
        return new Account.Page(accounts.all());
    }

    /** The account, with its API budget as the claim uses it now ({@code api_budget}). */
    @Requires(Role.READ)
    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable("id") String id) {
        AccountBody.requirePathId(id);
        Account account = accounts.find(id).orElseThrow(() -> notFound(id));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("account", account);
        view.put("api_budget", accounts.budget(id, defaultBudget));
        return view;
    }

    @PostMapping(consumes = "application/json")
    @ApiResponse(responseCode = "201", description = "created; Location names it", content = @Content(schema = @Schema(implementation = Account.class)))
    @Transactional
    ResponseEntity<Account> create(@RequestBody JsonNode body) {
        Account account = AccountBody.parse(body, null, now());
        if (!put(account, false)) {
            throw new ApiException(HttpStatus.CONFLICT, "account_exists", "account_id", "account " + account.accountId()
                    + " exists; PUT /api/accounts/" + account.accountId() + " replaces it");
        }
        return ResponseEntity.created(URI.create("/api/accounts/" + account.accountId())).body(accounts.find(account.accountId()).orElseThrow());
    }

    @PutMapping(path = "/{id}", consumes = "application/json")
    @Transactional
    Account replace(@PathVariable("id") String id, @RequestBody JsonNode body) {
        AccountBody.requirePathId(id);
        put(AccountBody.parse(body, id, now()), true);
        return accounts.find(id).orElseThrow();
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable("id") String id) {
        AccountBody.requirePathId(id);
        if (!accounts.delete(id)) {
            throw notFound(id);
        }
        AuditTrail.detail(Map.of("deleted_account", id));
    }

    /**
     * Imports what {@code aws organizations list-accounts} prints. New accounts are reached by assuming {@code role_name}
     * (default {@code OrganizationAccountAccessRole}, which Organizations creates in the accounts it creates) from
     * {@code source_profile}; accounts already known keep how they are reached and take the organization's name and state.
     * Accounts that are not ACTIVE are skipped, each with its reason.
     */
    @Operation(summary = "Import the accounts `aws organizations list-accounts` printed")
    @PostMapping(path = "/import", consumes = "application/json")
    @Transactional
    Map<String, Object> importOrganization(@RequestBody JsonNode body,
                                           @RequestParam(name = "source_profile") String sourceProfile,
                                           @RequestParam(name = "role_name", defaultValue = "OrganizationAccountAccessRole") String roleName,
                                           @RequestParam(name = "external_id", required = false) String externalId,
                                           @RequestParam(name = "session_duration", required = false) Integer sessionDuration,
                                           @RequestParam(name = "partition", defaultValue = "aws") String partition) {
        // why: an empty parameter means none, as an empty field of a body does
        externalId = externalId == null || externalId.isEmpty() ? null : externalId;
        // why: the reach is checked as one account's would be, so an import cannot store what a single PUT would refuse
        Map<String, Object> probe = new LinkedHashMap<>();
        probe.put("account_id", "000000000000");
        probe.put("role_name", roleName);
        probe.put("source_profile", sourceProfile);
        if (externalId != null) {
            probe.put("external_id", externalId);
        }
        if (sessionDuration != null) {
            probe.put("session_duration", sessionDuration);
        }
        AccountBody.parse(tools.jackson.databind.json.JsonMapper.builder().build().valueToTree(probe), null, now());
        if (!List.of("aws", "aws-cn", "aws-us-gov").contains(partition)) {
            throw ApiException.badRequest("partition", "partition is aws, aws-cn or aws-us-gov");
        }
        OrganizationsImport.Read read = OrganizationsImport.read(body);
        OffsetDateTime now = now();
        List<String> created = accounts.importAll(read.accounts(), new OrganizationsImport.Reach(partition, roleName, sourceProfile,
                externalId, sessionDuration), now);
        accounts.markStates(read.otherStates(), now);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("imported", created.size());
        result.put("updated", read.accounts().size() - created.size());
        result.put("skipped", read.skipped());
        AuditTrail.detail(Map.of("imported_accounts", created.size(), "updated_accounts", read.accounts().size() - created.size(),
                "skipped_accounts", read.skipped().size(), "source_profile", sourceProfile, "role_name", roleName));
        return result;
    }

    /** Writes the account (replacing one that exists when {@code replace}); false when it exists and may not be replaced. */
    private boolean put(Account account, boolean replace) {
        boolean created;
        try {
            Boolean written = accounts.put(account, now(), replace);
            if (written == null) {
                return false;
            }
            created = written;
        } catch (org.springframework.dao.DuplicateKeyException taken) {
            throw new ApiException(HttpStatus.CONFLICT, "profile_taken", "profile", "another account is reached through profile '"
                    + account.profile() + "': a profile reaches one account");
        }
        Map<String, Object> audit = new LinkedHashMap<>();
        audit.put(created ? "created_account" : "replaced_account", account.accountId());
        audit.put("reached_by", account.roleReached() ? account.roleArn() + " from " + account.sourceProfile() : "profile " + account.profile());
        AuditTrail.detail(audit);
        return true;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("account_not_found", "no account " + id);
    }
}
