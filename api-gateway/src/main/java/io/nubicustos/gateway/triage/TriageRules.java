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

    private final JdbcClient jdbc;

    TriageRules(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A rule to store, as the body asked for it. */
    record NewRule(String fingerprint, String tool, String checkId, String resource, String account, String state, String reason,
                   String createdBy, OffsetDateTime expiresAt) {
    }

    UUID insert(NewRule rule, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.sql(INSERT).param("id", id).param("fingerprint", rule.fingerprint()).param("tool", rule.tool())
                .param("checkId", rule.checkId()).param("account", rule.account()).param("resource", rule.resource())
                .param("resourceLike", rule.resource() == null ? null : TriageMatch.likePattern(rule.resource()))
                .param("state", rule.state()).param("reason", rule.reason()).param("createdBy", rule.createdBy())
                .param("now", utc(now)).param("expiresAt", rule.expiresAt()).update();
        return id;
    }

    Optional<TriageRule> find(UUID id, Instant now) {
        return jdbc.sql("select " + COLUMNS + " from triage_rules where id = :id").param("id", id).param("now", utc(now))
                .query(TriageRules::rule).optional();
    }

    List<TriageRule> all(boolean activeOnly, Instant now) {
        return jdbc.sql("select " + COLUMNS + " from triage_rules where (not :activeOnly or expires_at is null or expires_at > :now)"
                        + " order by created_at desc, id limit 1000")
                .param("activeOnly", activeOnly).param("now", utc(now)).query(TriageRules::rule).list();
    }

    boolean delete(UUID id) {
        return jdbc.sql("delete from triage_rules where id = :id").param("id", id).update() == 1;
    }

    private static TriageRule rule(ResultSet rs, int n) throws SQLException {
        return new TriageRule(rs.getObject("id", UUID.class), rs.getString("fingerprint"), rs.getString("tool"), rs.getString("check_id"),
                rs.getString("resource_pattern"), rs.getString("account"), rs.getString("state"), rs.getString("reason"),
                rs.getString("created_by"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("expires_at", OffsetDateTime.class), rs.getBoolean("active"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
