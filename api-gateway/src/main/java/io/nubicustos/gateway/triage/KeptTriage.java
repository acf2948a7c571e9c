package io.nubicustos.gateway.triage;

import io.nubicustos.model.scan.ScanStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Which findings of a settled scan triage rules cover, worked out once per change of the rules (or first expiry) and
 * kept in scan_triage, so that reading its findings pages costs the same with 10,000 rules as with none. A running
 * scan's findings still change: they are matched as they are read.
 */
@Component
public class KeptTriage {

    private static final String FRESH = """
            select c.findings_kept and c.rules_version = (select version from triage_versions)
                   and (c.valid_until is null or c.valid_until > :now)
              from scan_triage_counts c where c.scan_id = :scanId
            """;
    private static final String STATUS = "select status from scans where id = :scanId";
    // why: a cancelled scan's reporting step still adds findings; its matches are kept once every step is done
    private static final String STEPS_UNSETTLED = "select exists (select 1 from scan_steps where scan_id = :scanId and status not in "
            + io.nubicustos.model.scan.StepStatus.terminalSqlList() + ")";
    // why: two readers of a stale scan at once would both rewrite its rows; the second waits, then finds them fresh
    private static final String LOCK = "select pg_advisory_xact_lock(hashtextextended('scan_triage:' || cast(:scanId as text), 0))";
    private static final String FORGET = "delete from scan_triage where scan_id = :scanId";
    private static final String KEEP = """
            insert into scan_triage (scan_id, finding_id, rule_id)
            select f.scan_id, f.id, tr.triage_id from findings f
              cross join lateral (""" + TriageMatch.RULE_OF_FINDING + """
            ) tr
             where f.scan_id = :scanId
            """;
    private static final String MARK = """
            insert into scan_triage_counts (scan_id, rules_version, valid_until, total, critical, high, medium, low, info, findings_kept)
            select :scanId, :version, (select min(expires_at) from triage_rules where expires_at > :triageNow),
                   count(*), count(*) filter (where f.severity = 'critical'), count(*) filter (where f.severity = 'high'),
                   count(*) filter (where f.severity = 'medium'), count(*) filter (where f.severity = 'low'),
                   count(*) filter (where f.severity = 'info'), true
              from scan_triage st join findings f on f.id = st.finding_id
             where st.scan_id = :scanId and f.status = :fail
            on conflict (scan_id) do update set rules_version = excluded.rules_version, valid_until = excluded.valid_until,
                   total = excluded.total, critical = excluded.critical, high = excluded.high, medium = excluded.medium,
                   low = excluded.low, info = excluded.info, findings_kept = true
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    KeptTriage(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Whether the scan's kept rows hold now, working them out first for a settled scan whose rows are missing or stale. */
    public boolean ensure(UUID scanId) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        if (fresh(scanId, now)) {
            return true;
        }
        String status = jdbc.sql(STATUS).param("scanId", scanId).query(String.class).optional().orElse(null);
        if (status == null || !ScanStatus.fromDb(status).isTerminal()
                || jdbc.sql(STEPS_UNSETTLED).param("scanId", scanId).query(Boolean.class).single()) {
            return false;
        }
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            jdbc.sql(LOCK).param("scanId", scanId).query().singleRow();
            if (fresh(scanId, now)) {
                return true;
            }
            // why: read before the rows are written, so that a rule added meanwhile leaves them stale, never wrongly fresh
            long version = jdbc.sql("select version from triage_versions").query(Long.class).single();
            jdbc.sql(FORGET).param("scanId", scanId).update();
            jdbc.sql(KEEP).param("scanId", scanId).param("triageNow", now).update();
            jdbc.sql(MARK).param("scanId", scanId).param("version", version).param("triageNow", now)
                    .param("fail", io.nubicustos.model.finding.FindingStatus.FAIL.db()).update();
            return true;
        }));
    }

    private boolean fresh(UUID scanId, OffsetDateTime now) {
        return jdbc.sql(FRESH).param("scanId", scanId).param("now", now).query(Boolean.class).optional().orElse(false);
    }

    /** True when the kept rows say an active rule covers {@code f} (a finding of a scan whose rows hold). */
    public static final String IS_KEPT_TRIAGED = "exists (select 1 from scan_triage st where st.finding_id = f.id)";

    /** The covering rule of {@code f} from the kept rows, with the columns of {@link TriageMatch#RULE_OF_FINDING}. */
    public static final String KEPT_RULE_OF_FINDING = """
            select t.id as triage_id, t.state as triage_state, t.reason as triage_reason, t.created_by as triage_by,
                   t.expires_at as triage_expires_at
              from scan_triage st join triage_rules t on t.id = st.rule_id where st.finding_id = f.id
            """;
}
