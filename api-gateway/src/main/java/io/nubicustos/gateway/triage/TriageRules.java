package io.nubicustos.gateway.triage;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The triage_rules table. */
@Repository
class TriageRules {

    private static final String COLUMNS = """
            id, fingerprint, tool, check_id, resource_pattern, account, state, reason, created_by, created_at, expires_at,
            (expires_at is null or expires_at > :now) as active
            """;
    private static final String INSERT = """
            insert into triage_rules (id, fingerprint, tool, check_id, account, resource_pattern, resource_like, state, reason,
                                      created_by, created_at, expires_at)
            values (:id, :fingerprint, :tool, :checkId, :account, :resource, :resourceLike, :state, :reason, :createdBy, :now, :expiresAt)
            """;

    // why: one statement, so that the cap is checked where the row is written (concurrent writers may pass it by a few)
    private static final String INSERT_UNDER_CAP = INSERT.replace("values (", "select ").replace(":expiresAt)", ":expiresAt")
            + " where (select count(*) from triage_rules where expires_at is null or expires_at > :now) < :cap";

    private final JdbcClient jdbc;
    private final TriageGuardrails guardrails;

    TriageRules(JdbcClient jdbc, TriageGuardrails guardrails) {
        this.jdbc = jdbc;
        this.guardrails = guardrails;
    }

    /** A rule to store, as the body asked for it. */
    record NewRule(String fingerprint, String tool, String checkId, String resource, String account, String state, String reason,
                   String createdBy, OffsetDateTime expiresAt) {
    }

    /** The new rule's id; empty when the cap of active rules is reached. */
    Optional<UUID> insert(NewRule rule, Instant now) {
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql(INSERT_UNDER_CAP).param("cap", guardrails.maxActiveRules()).param("id", id).param("fingerprint", rule.fingerprint()).param("tool", rule.tool())
                .param("checkId", rule.checkId()).param("account", rule.account()).param("resource", rule.resource())
                .param("resourceLike", rule.resource() == null ? null : TriageMatch.likePattern(rule.resource()))
                .param("state", rule.state()).param("reason", rule.reason()).param("createdBy", rule.createdBy())
                .param("now", utc(now)).param("expiresAt", rule.expiresAt()).update();
        return inserted == 1 ? Optional.of(id) : Optional.empty();
    }

    /** Every rule that breaks a guardrail (made before them), newest first. */
    List<TriageRule> violating(Instant now) {
        return jdbc.sql("select " + COLUMNS + " from triage_rules order by created_at desc, id").param("now", utc(now))
                .query(this::rule).stream().filter(rule -> !rule.violations().isEmpty()).toList();
    }

    Optional<TriageRule> find(UUID id, Instant now) {
        return jdbc.sql("select " + COLUMNS + " from triage_rules where id = :id").param("id", id).param("now", utc(now))
                .query(this::rule).optional();
    }

    List<TriageRule> all(boolean activeOnly, Instant now) {
        return jdbc.sql("select " + COLUMNS + " from triage_rules where (not :activeOnly or expires_at is null or expires_at > :now)"
                        + " order by created_at desc, id limit 1000")
                .param("activeOnly", activeOnly).param("now", utc(now)).query(this::rule).list();
    }

    boolean delete(UUID id) {
        return jdbc.sql("delete from triage_rules where id = :id").param("id", id).update() == 1;
    }

    private TriageRule rule(ResultSet rs, int n) throws SQLException {
        OffsetDateTime createdAt = rs.getObject("created_at", OffsetDateTime.class);
        OffsetDateTime expiresAt = rs.getObject("expires_at", OffsetDateTime.class);
        return new TriageRule(rs.getObject("id", UUID.class), rs.getString("fingerprint"), rs.getString("tool"), rs.getString("check_id"),
                rs.getString("resource_pattern"), rs.getString("account"), rs.getString("state"), rs.getString("reason"),
                rs.getString("created_by"), createdAt, expiresAt, rs.getBoolean("active"),
                guardrails.violations(rs.getString("fingerprint"), rs.getString("tool"), rs.getString("check_id"),
                        rs.getString("resource_pattern"), rs.getString("state"), expiresAt, createdAt.toInstant()));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
