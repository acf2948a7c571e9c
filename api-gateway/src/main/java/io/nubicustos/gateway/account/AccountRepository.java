package io.nubicustos.gateway.account;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The accounts table. Writes are one statement each; an import is one statement for the whole organization. */
@Repository
public class AccountRepository {

    private static final String COLUMNS = """
            account_id, name, email, profile, role_arn, external_id, source_profile, session_duration, regions::text as regions,
            tags::text as tags, org_status, created_at, updated_at
            """;
    private static final String UPSERT = """
            insert into accounts (account_id, name, email, profile, role_arn, external_id, source_profile, session_duration, regions,
                                  tags, org_status, created_at, updated_at)
            values (:id, :name, :email, :profile, :roleArn, :externalId, :sourceProfile, :sessionDuration, cast(:regions as jsonb),
                    cast(:tags as jsonb), :orgStatus, :now, :now)
            on conflict (account_id) do update set name = excluded.name, email = excluded.email, profile = excluded.profile,
                   role_arn = excluded.role_arn, external_id = excluded.external_id, source_profile = excluded.source_profile,
                   session_duration = excluded.session_duration, regions = excluded.regions, tags = excluded.tags,
                   org_status = coalesce(excluded.org_status, accounts.org_status), updated_at = excluded.updated_at
            returning (xmax = 0) as created
            """;
    /** The same insert, writing nothing when the account exists (and then returning no row). */
    private static final String INSERT_NEW = UPSERT.substring(0, UPSERT.indexOf("on conflict")) + "on conflict (account_id) do nothing\n"
            + UPSERT.substring(UPSERT.indexOf("returning"));
    /**
     * An organization's accounts in one statement: new ones are reached through the import's role; accounts already known
     * keep how they are reached, their regions and tags (an operator's choices), and take the organization's name, email
     * and state.
     */
    private static final String IMPORT = """
            with incoming as (
                select * from jsonb_to_recordset(cast(:accounts as jsonb))
                       as i(account_id text, name text, email text, org_status text)
            )
            insert into accounts (account_id, name, email, role_arn, external_id, source_profile, session_duration, org_status,
                                  created_at, updated_at)
            select i.account_id, i.name, i.email, 'arn:' || cast(:partition as text) || ':iam::' || i.account_id || ':role/'
                   || cast(:roleName as text), cast(:externalId as text), cast(:sourceProfile as text), cast(:sessionDuration as int),
                   i.org_status, :now, :now
              from incoming i
            on conflict (account_id) do update set name = excluded.name, email = excluded.email, org_status = excluded.org_status,
                   updated_at = excluded.updated_at
            returning account_id, (xmax = 0) as created
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    AccountRepository(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public List<Account> all() {
        return jdbc.sql("select " + COLUMNS + " from accounts order by account_id").query(this::row).list();
    }

    public Optional<Account> find(String accountId) {
        return jdbc.sql("select " + COLUMNS + " from accounts where account_id = :id").param("id", accountId).query(this::row).optional();
    }

    public List<Account> findAll(Collection<String> accountIds) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + " from accounts where account_id in (:ids) order by account_id").param("ids", accountIds)
                .query(this::row).list();
    }

    /** The accounts whose tags hold every given pair. */
    public List<Account> taggedWith(Map<String, String> tags) {
        return jdbc.sql("select " + COLUMNS + " from accounts where tags @> cast(:tags as jsonb) order by account_id")
                .param("tags", json.writeValueAsString(tags)).query(this::row).list();
    }

    /**
     * Writes the account whole; answers true when it was new, false when it replaced one, and null when it exists and
     * {@code replace} is false (two concurrent creations: one wins, the other is told).
     */
    public Boolean put(Account account, OffsetDateTime now, boolean replace) {
        return jdbc.sql(replace ? UPSERT : INSERT_NEW).param("id", account.accountId()).param("name", account.name()).param("email", account.email())
                .param("profile", account.profile()).param("roleArn", account.roleArn()).param("externalId", account.externalId())
                .param("sourceProfile", account.sourceProfile()).param("sessionDuration", account.sessionDuration())
                .param("regions", json.writeValueAsString(account.regions())).param("tags", json.writeValueAsString(account.tags()))
                .param("orgStatus", account.orgStatus()).param("now", now).query(Boolean.class).optional().orElse(null);
    }

    public boolean delete(String accountId) {
        return jdbc.sql("delete from accounts where account_id = :id").param("id", accountId).update() == 1;
    }

    /** Imports the organization's accounts ({@code account_id}, {@code name}, {@code email}, {@code org_status}); ids of the new ones. */
    public List<String> importAll(List<Map<String, String>> accounts, OrganizationsImport.Reach reach, OffsetDateTime now) {
        return jdbc.sql(IMPORT).param("accounts", json.writeValueAsString(accounts)).param("partition", reach.partition())
                .param("roleName", reach.roleName()).param("externalId", reach.externalId()).param("sourceProfile", reach.sourceProfile())
                .param("sessionDuration", reach.sessionDuration()).param("now", now)
                .query((rs, n) -> rs.getBoolean("created") ? rs.getString("account_id") : null).list().stream()
                .filter(java.util.Objects::nonNull).toList();
    }

    /** Known accounts the organization no longer lists as active take its state (campaigns of "all" then skip them). */
    public int markStates(Map<String, String> states, OffsetDateTime now) {
        if (states.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update accounts a set org_status = s.state, updated_at = :now
                  from jsonb_each_text(cast(:states as jsonb)) as s(account_id, state)
                 where a.account_id = s.account_id and a.org_status is distinct from s.state
                """).param("states", json.writeValueAsString(states)).param("now", now).update();
    }

    /** The account's API budget as the claim uses it, and how it moved. */
    public Map<String, Object> budget(String accountKey, int defaultBudget) {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("default", defaultBudget);
        jdbc.sql("""
                select budget, throttled_steps, clean_steps, last_throttled_at, updated_at from api_budgets where account_key = :key
                """).param("key", accountKey).query().listOfRows().stream().findFirst().ifPresentOrElse(row -> {
            // why: the claim never uses more than the setting, whatever an older setting raised the row to
            view.put("current", Math.min(defaultBudget, ((Number) row.get("budget")).doubleValue()));
            view.put("throttled_steps", row.get("throttled_steps"));
            view.put("clean_steps", row.get("clean_steps"));
            view.put("last_throttled_at", row.get("last_throttled_at") instanceof java.sql.Timestamp t ? t.toInstant().toString() : null);
        }, () -> view.put("current", (double) defaultBudget));
        view.put("running_weight", jdbc.sql(io.nubicustos.model.lifecycle.StatusSql.expand("""
                select coalesce(sum(coalesce(cast(r.plan->>'api_weight' as int), 1)), 0) from scan_steps r join scans sc on sc.id = r.scan_id
                 where r.status = {step:running} and r.container_finished_at is null and\s""" + io.nubicustos.model.account.AccountKeySql.OF_SCAN
                + " = :key")).param("key", accountKey).query(Long.class).single());
        return view;
    }

    private Account row(ResultSet rs, int n) throws SQLException {
        Integer duration = (Integer) rs.getObject("session_duration");
        return new Account(rs.getString("account_id"), rs.getString("name"), rs.getString("email"), rs.getString("profile"),
                rs.getString("role_arn"), rs.getString("external_id"), rs.getString("source_profile"), duration,
                json.readValue(rs.getString("regions"), new TypeReference<List<String>>() { }),
                json.readValue(rs.getString("tags"), new TypeReference<Map<String, String>>() { }), rs.getString("org_status"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
