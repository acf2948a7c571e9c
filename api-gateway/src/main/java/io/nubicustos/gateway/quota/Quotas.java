package io.nubicustos.gateway.quota;

import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.model.scan.ScanStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What one caller (an API key's name, an OIDC subject) may hold at once, so that one key cannot fill the installation:
 * enabled schedules, webhooks, active triage rules, and scans not yet settled. A call that would go past one gets 409
 * {@code quota_exceeded} naming the setting. Counted before the write ({@code created_by}): calls racing at the edge may
 * each pass it (as many as run at once), which a quota of this kind allows: a bound on a caller, not an exact count.
 */
@Component
public class Quotas {

    /** What a quota bounds, with the statement that counts a caller's share and the setting that sets it. */
    public enum Kind {
        SCHEDULES("nubicustos.quotas.schedules", "enabled schedules",
                "select count(*) from schedules where created_by = :actor and enabled"),
        WEBHOOKS("nubicustos.quotas.webhooks", "webhooks", "select count(*) from webhooks where created_by = :actor"),
        TRIAGE_RULES("nubicustos.quotas.triage-rules", "active triage rules",
                "select count(*) from triage_rules where created_by = :actor and (expires_at is null or expires_at > :now)"),
        UNSETTLED_SCANS("nubicustos.quotas.unsettled-scans", "scans queued or running",
                "select count(*) from scans where created_by = :actor and status in (:queued, :running)");

        final String setting;
        final String what;
        final String count;

        Kind(String setting, String what, String count) {
            this.setting = setting;
            this.what = what;
            this.count = count;
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final java.util.Map<Kind, Integer> limits;

    Quotas(JdbcClient jdbc, Clock clock, @Value("${nubicustos.quotas.schedules:50}") int schedules,
           @Value("${nubicustos.quotas.webhooks:20}") int webhooks, @Value("${nubicustos.quotas.triage-rules:2000}") int triageRules,
           @Value("${nubicustos.quotas.unsettled-scans:200}") int unsettledScans) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.limits = java.util.Map.of(Kind.SCHEDULES, schedules, Kind.WEBHOOKS, webhooks, Kind.TRIAGE_RULES, triageRules,
                Kind.UNSETTLED_SCANS, unsettledScans);
        limits.forEach((kind, limit) -> {
            if (limit < 1) {
                throw new IllegalArgumentException(kind.setting + " must be at least 1");
            }
        });
    }

    /** Refuses (409) when the current caller already holds as many as its quota allows of what it is about to add. */
    public void requireRoomFor(Kind kind) {
        requireRoomFor(kind, 1);
    }

    /** As {@link #requireRoomFor(Kind)}, for {@code adding} at once (a campaign's child scans). */
    public void requireRoomFor(Kind kind, int adding) {
        String actor = AuditTrail.actor();
        // why: an API without keys has no callers to tell apart (it is run on a trusted network, see the README)
        if (actor == null || actor.equals("anonymous")) {
            return;
        }
        long held = jdbc.sql(kind.count).param("actor", actor).param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .param("queued", ScanStatus.QUEUED.db()).param("running", ScanStatus.RUNNING.db()).query(Long.class).single();
        int limit = limits.get(kind);
        if (held + adding > limit) {
            throw ApiException.quotaExceeded(kind.setting, "'" + actor + "' holds " + held + " " + kind.what
                    + (adding > 1 ? " and asks for " + adding + " more" : "") + ", its quota ("
                    + kind.setting + " = " + limit + "): settle, delete or disable some first");
        }
    }
}
