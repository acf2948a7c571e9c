package io.nubicustos.gateway.account;

import io.nubicustos.gateway.web.ApiException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An account's body and an organization's listing, read as the API reads them: what the worker will write into an AWS
 * config file is refused when it could break a line, and an organization's accounts that are not ACTIVE are skipped.
 * The listing's shape is the Organizations API's {@code Account} (Id, Arn, Email, Name, Status; State since 2025).
 */
class AccountBodyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-12-07T10:00:00Z");

    @Test
    void aRoleNameIsAppliedToTheAccountIdAndAProfileReachedAccountHasNoRole() {
        Account role = AccountBody.parse(json("{\"account_id\": \"123456789012\", \"role_name\": \"audit/SecurityAudit\","
                + " \"source_profile\": \"security\", \"external_id\": \"ext-1\", \"session_duration\": 1800}"), null, NOW);
        assertThat(role.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/audit/SecurityAudit");
        assertThat(role.scanProfile()).isEqualTo("nubicustos-account-123456789012");
        assertThat(role.requiredProfile()).isEqualTo("security");
        assertThat(role.assumedRole(java.util.UUID.fromString("0190f1c2-aaaa-7bbb-8ccc-123456789abc")).sessionName())
                .isEqualTo("nubicustos-0190f1c2-aaaa-7bbb-8ccc-123456789abc");
        Account profile = AccountBody.parse(json("{\"profile\": \"prod\", \"tags\": {\"env\": \"prod\"}}"), "210987654321", NOW);
        assertThat(profile.roleReached()).isFalse();
        assertThat(profile.scanProfile()).isEqualTo("prod");
        assertThat(profile.assumedRole(java.util.UUID.randomUUID())).isNull();
    }

    @Test
    void whatCouldBreakAConfigFileOrNameTheWrongAccountIsRefused() {
        refused("{\"account_id\": \"12345678901\", \"profile\": \"p\"}", "account_id");
        refused("{\"account_id\": \"123456789012\"}", "profile");
        refused("{\"account_id\": \"123456789012\", \"profile\": \"p\", \"role_name\": \"r\", \"source_profile\": \"s\"}", "profile");
        refused("{\"account_id\": \"123456789012\", \"role_name\": \"r\"}", "source_profile");
        refused("{\"account_id\": \"123456789012\", \"role_arn\": \"arn:aws:iam::999999999999:role/r\", \"source_profile\": \"s\"}", "role_arn");
        refused("{\"account_id\": \"123456789012\", \"role_name\": \"r\\n[profile x]\", \"source_profile\": \"s\"}", "role_name");
        refused("{\"account_id\": \"123456789012\", \"role_name\": \"r\", \"source_profile\": \"s\", \"external_id\": \"a b\"}", "external_id");
        refused("{\"account_id\": \"123456789012\", \"role_name\": \"r\", \"source_profile\": \"s\", \"session_duration\": 60}", "session_duration");
        refused("{\"account_id\": \"123456789012\", \"profile\": \"nubicustos-account-1\"}", "profile");
        refused("{\"account_id\": \"123456789012\", \"profile\": \"p\", \"regions\": [\"mars-1\"]}", "regions");
        refused("{\"account_id\": \"123456789012\", \"profile\": \"p\", \"tags\": {\"env\": \"a\\u0000\"}}", "tags.env");
        refused("{\"account_id\": \"123456789012\", \"profile\": \"p\", \"colour\": 1}", "colour");
        assertThatThrownBy(() -> AccountBody.parse(json("{\"account_id\": \"123456789012\", \"profile\": \"p\"}"), "210987654321", NOW))
                .isInstanceOf(ApiException.class).hasMessageContaining("not the path's");
    }

    @Test
    void anOrganizationsListingImportsActiveAccountsAndSaysWhyTheOthersAreSkipped() {
        OrganizationsImport.Read read = OrganizationsImport.read(json("""
                {"Accounts": [
                  {"Id": "111111111111", "Arn": "arn:aws:organizations::999999999999:account/o-x/111111111111", "Email": "a@example.com",
                   "Name": "prod", "Status": "ACTIVE", "JoinedMethod": "CREATED", "JoinedTimestamp": "2024-02-01T10:00:00Z"},
                  {"Id": "222222222222", "Email": "b@example.com", "Name": "old", "Status": "ACTIVE", "State": "PENDING_CLOSURE"},
                  {"Id": "333333333333", "Email": "c@example.com", "Name": "gone", "Status": "SUSPENDED"},
                  {"Id": "111111111111", "Email": "a@example.com", "Name": "prod again", "Status": "ACTIVE"}],
                 "NextToken": "ignored"}
                """));
        assertThat(read.accounts()).singleElement().satisfies(a -> {
            assertThat(a.get("account_id")).isEqualTo("111111111111");
            assertThat(a.get("org_status")).isEqualTo("ACTIVE");
        });
        assertThat(read.skipped()).extracting(OrganizationsImport.Skipped::accountId)
                .containsExactly("222222222222", "333333333333", "111111111111");
        assertThat(read.skipped().get(0).reason()).as("State wins over the older Status").contains("PENDING_CLOSURE");
        assertThat(read.otherStates()).containsEntry("333333333333", "SUSPENDED");
        assertThatThrownBy(() -> OrganizationsImport.read(json("{\"Accounts\": [{\"Id\": 111, \"Status\": \"ACTIVE\"}]}")))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> OrganizationsImport.read(json("[]"))).isInstanceOf(ApiException.class);
    }

    private static void refused(String body, String field) {
        assertThatThrownBy(() -> AccountBody.parse(json(body), null, NOW)).as(body).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).field()).isEqualTo(field));
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
