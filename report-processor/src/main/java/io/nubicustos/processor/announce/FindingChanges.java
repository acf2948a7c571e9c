package io.nubicustos.processor.announce;

import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.messaging.ScanEvents;
import io.nubicustos.model.messaging.WebhookFanout;
import io.nubicustos.model.triage.TriageSql;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The finding lifecycle of a scan that just settled, announced once per scan and kind on Kafka and to webhook subscribers
 * (a SIEM needs no polling): {@code findings.new}, {@code findings.reopened}, {@code findings.fixed},
 * {@code findings.triaged} (see {@link WebhookFanout} for what each means). Each event has the counts by severity of all
 * its findings and lists the first {@value #MAX_LISTED} (most severe first, at most about 256 KB of them; {@code truncated}
 * says when more were left out), so an event stays small whatever the scan. One statement computes all four kinds.
 */
@Component
public class FindingChanges {

    static final int MAX_LISTED = 500;
    /** About how many bytes of listed findings an event carries at most (Kafka's default record limit is 1 MB). */
    static final long MAX_LISTED_BYTES = 256 * 1024;
    static final int MAX_VALUE_CHARS = 1024;
    private static final String SOURCE = "/nubicustos/report-processor";
    private static final String COLUMNS = "f.fingerprint, f.tool, f.check_id, f.severity, f.resource_id, f.account, f.region";

    /**
     * Per tool that succeeded, its baseline scan ({@code :tools}, {@code :baselines}; a null baseline: everything it found is
     * new). New: failing now, not failing in the baseline, of a severity the baseline's filter kept (a scan filtered to
     * critical findings is no baseline for highs). Reopened: new, and failing in an earlier settled scan of the same profile
     * and account. Fixed: failing in the baseline, not failing now, of a severity this scan's filter keeps, of a tool this
     * scan did not see degraded ({@code :degradedTools}: a tool that lost permissions fixed nothing).
     */
    private static final String CHANGES = """
            with b as (
                select u.tool, u.scan_id, bs.severity_filter as kept
                  from unnest(cast(:tools as text[]), cast(:baselines as uuid[])) as u(tool, scan_id)
                  left join scans bs on bs.id = u.scan_id
            ), this as (
                select profile, aws_profile, completed_at, severity_filter as kept from scans where id = :id
            ), fresh as (
                select %1$s, b.scan_id as baseline from findings f join b on b.tool = f.tool
                 where f.scan_id = :id and f.status = 'fail'
                   and (coalesce(cardinality(b.kept), 0) = 0 or f.severity = any(b.kept))
                   and not exists (select 1 from findings p where p.scan_id = b.scan_id and p.fingerprint = f.fingerprint
                                      and p.status = 'fail')
            ), changes as (
                select 'new' as kind, fingerprint, tool, check_id, severity, resource_id, account, region from fresh
                union all
                select 'reopened', fingerprint, tool, check_id, severity, resource_id, account, region from fresh n
                 where n.baseline is not null and exists (
                       select 1 from findings o join scans os on os.id = o.scan_id cross join this
                        where o.fingerprint = n.fingerprint and o.status = 'fail' and os.id <> :id
                          and os.profile = this.profile and os.aws_profile = this.aws_profile and os.completed_at < this.completed_at)
                union all
                select 'fixed', %1$s from findings f join b on b.scan_id = f.scan_id and b.tool = f.tool cross join this
                 where f.status = 'fail' and not (b.tool = any(cast(:degradedTools as text[])))
                   and (coalesce(cardinality(this.kept), 0) = 0 or f.severity = any(this.kept))
                   and not exists (select 1 from findings c where c.scan_id = :id and c.fingerprint = f.fingerprint and c.status = 'fail')
                union all
                select 'triaged', %1$s from findings f
                 where (select exists (select 1 from triage_rules where expires_at is null or expires_at > :triageNow))
                   and f.scan_id = :id and f.status = 'fail' and %2$s
            ), ranked as (
                select c.*,
                       row_number() over (partition by kind
                                          order by array_position(array['critical', 'high', 'medium', 'low', 'info'], severity), fingerprint) as n,
                       row_number() over (partition by kind, severity order by fingerprint) as n_of_severity,
                       count(*) over (partition by kind, severity) as of_severity
                  from changes c
            )
            select * from ranked where n <= :maxListed or n_of_severity = 1 order by kind, n
            """.formatted(COLUMNS, TriageSql.IS_TRIAGED);

    private static final Map<String, String> EVENT_OF_KIND = Map.of("new", WebhookFanout.FINDINGS_NEW, "reopened",
            WebhookFanout.FINDINGS_REOPENED, "fixed", WebhookFanout.FINDINGS_FIXED, "triaged", WebhookFanout.FINDINGS_TRIAGED);

    private final JdbcClient jdbc;
    private final ScanAnnouncements announcements;

    FindingChanges(JdbcClient jdbc, ScanAnnouncements announcements) {
        this.jdbc = jdbc;
        this.announcements = announcements;
    }

    /** A tool that succeeded in the scan and the scan it is compared with (null: none yet). */
    public record Baseline(String tool, UUID scanId) {
    }

    /** Announces each kind of change the scan has (none for a kind without findings), in the caller's transaction. */
    public void announce(UUID scanId, String status, String profile, String awsProfile, List<Baseline> baselines,
                         java.util.Set<String> degradedTools, OffsetDateTime now) {
        if (baselines.isEmpty()) {
            return;
        }
        Map<String, Kind> kinds = new LinkedHashMap<>();
        jdbc.sql(CHANGES).param("id", scanId).param("triageNow", now).param("maxListed", MAX_LISTED)
                .param("degradedTools", degradedTools.toArray(String[]::new))
                .param("tools", baselines.stream().map(Baseline::tool).toArray(String[]::new))
                .param("baselines", baselines.stream().map(b -> b.scanId() == null ? null : b.scanId().toString()).toArray(String[]::new))
                .query(rs -> {
                    Kind kind = kinds.computeIfAbsent(rs.getString("kind"), k -> new Kind());
                    Severity severity = Severity.parse(rs.getString("severity")).orElse(Severity.INFO);
                    kind.counts.put(severity.db(), rs.getLong("of_severity"));
                    kind.highest = kind.highest == null || severity.ordinal() < kind.highest.ordinal() ? severity : kind.highest;
                    if (rs.getLong("n") <= MAX_LISTED && kind.bytes < MAX_LISTED_BYTES) {
                        Map<String, Object> finding = new LinkedHashMap<>();
                        for (String column : new String[] {"fingerprint", "tool", "check_id", "severity", "resource_id", "account", "region"}) {
                            String value = rs.getString(column);
                            // why: an ARN has no fixed bound; one event must stay well under Kafka's and a webhook's size limits
                            value = value != null && value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "…" : value;
                            finding.put(column, value);
                            kind.bytes += 16 + column.length() + (value == null ? 4 : value.length() * 2L);
                        }
                        kind.listed.add(finding);
                    }
                });
        Map<String, UUID> against = new LinkedHashMap<>();
        baselines.forEach(b -> against.put(b.tool(), b.scanId()));
        kinds.forEach((name, kind) -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            long total = 0;
            for (Severity severity : Severity.values()) {
                long n = kind.counts.getOrDefault(severity.db(), 0L);
                counts.put(severity.db(), n);
                total += n;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("scan_id", scanId);
            data.put("status", status);
            data.put("profile", profile);
            data.put("aws_profile", awsProfile);
            data.put("baselines", against);
            data.put("counts", counts);
            if (name.equals("new")) {
                // why: the name findings.new subscribers read before the lifecycle events had counts of their own
                data.put("new_findings", counts);
            }
            data.put("findings", kind.listed);
            data.put("truncated", total > kind.listed.size());
            Map<String, Object> event = ScanEvents.of(WebhookFanout.CLOUDEVENTS_PREFIX + EVENT_OF_KIND.get(name), scanId, SOURCE, now, data);
            announcements.publish(scanId, event, WebhookFanout.rank(kind.highest), now);
        });
    }

    private static final class Kind {
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final List<Map<String, Object>> listed = new ArrayList<>();
        private Severity highest;
        private long bytes;
    }
}
