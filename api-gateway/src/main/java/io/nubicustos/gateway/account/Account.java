package io.nubicustos.gateway.account;

import org.jspecify.annotations.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nubicustos.model.catalog.ToolDefinition.AssumedRole;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A cloud account and how the workers reach it: a profile of the credentials file, or a role assumed from a source profile
 * of the security account.
 *
 * @param profile         the credentials file's profile that reaches the account (null when a role does)
 * @param roleArn         the role assumed in the account (null when a profile reaches it)
 * @param sourceProfile   the security account's profile the role is assumed from
 * @param sessionDuration the assumed role's session length in seconds (null: the SDKs' default, one hour)
 * @param regions         the regions a campaign scans in this account when its request names none
 * @param orgStatus       the account's state in AWS Organizations when imported from it (ACTIVE, SUSPENDED, …)
 */
public record Account(@JsonProperty("account_id") String accountId, @Nullable String name, @Nullable String email, @Nullable String profile,
                      @JsonProperty("role_arn") @Nullable String roleArn, @JsonProperty("external_id") @Nullable String externalId,
                      @JsonProperty("source_profile") @Nullable String sourceProfile,
                      @JsonProperty("session_duration") @Nullable Integer sessionDuration,
                      List<String> regions, Map<String, String> tags, @JsonProperty("org_status") @Nullable String orgStatus,
                      @JsonProperty("created_at") OffsetDateTime createdAt, @JsonProperty("updated_at") OffsetDateTime updatedAt) {

    /** The name of the profile a role-reached account's assumed role is staged under (and the tools are told to use). */
    public static String stagedProfile(String accountId) {
        return "nubicustos-account-" + accountId;
    }

    /** Whether a role reaches it (else a profile of the credentials file). */
    public boolean roleReached() {
        return roleArn != null;
    }

    /** The profile a scan of this account names: its own, or the staged profile of its assumed role. */
    public String scanProfile() {
        return roleReached() ? stagedProfile(accountId) : profile;
    }

    /** The profile the workers must have for this account: its own, or its role's source profile. */
    public String requiredProfile() {
        return roleReached() ? sourceProfile : profile;
    }

    /** The role a scan of this account assumes (null for a profile-reached one); CloudTrail shows {@code nubicustos-<scan id>}. */
    public AssumedRole assumedRole(UUID scanId) {
        return roleReached() ? new AssumedRole(stagedProfile(accountId), roleArn, sourceProfile, externalId, "nubicustos-" + scanId,
                sessionDuration) : null;
    }

    /** Whether AWS Organizations says the account can be scanned (an account not imported from it can). */
    public boolean scannable() {
        return orgStatus == null || "ACTIVE".equals(orgStatus);
    }

    /** @param accounts every account, by id */
    public record Page(List<Account> accounts) {
    }
}
