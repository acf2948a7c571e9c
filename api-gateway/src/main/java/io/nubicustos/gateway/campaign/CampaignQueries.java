package io.nubicustos.gateway.campaign;

import io.nubicustos.model.lifecycle.StatusSql;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the API shows of campaigns: each one's progress, sums, per-account table, changes since the previous one, and checks. */
@Repository
class CampaignQueries {

    private static final String COMPLETED = io.nubicustos.model.scan.ScanStatus.COMPLETED.db();
    private static final String[] SEVERITIES = {"critical", "high", "medium", "low", "info"};
    private static final String CAMPAIGN = """
            select id, profile, selection::text as selection, selection_key, request::text as request, status, source, created_by,
                   created_at, settled_at, skipped::text as skipped
              from campaigns where id = :id
            """;
    private static final String LIST = """
            select c.id, c.profile, c.selection::text as selection, c.status, c.created_at, c.settled_at,
                   (select count(*) from scans s where s.campaign_id = c.id) as accounts
              from campaigns c order by c.created_at desc limit :limit
            """;
    private static final String CHILDREN = """
            select s.account_id, a.name, s.id as scan_id, s.status, s.degraded, s.findings_total, s.findings_critical, s.findings_high,
                   s.findings_medium, s.findings_low, s.findings_info, s.started_at, s.completed_at,
                   extract(epoch from (s.completed_at - s.started_at)) as duration_seconds
              from scans s left join accounts a on a.account_id = s.account_id
             where s.campaign_id = :id order by s.account_id
            """;
    /** The last settled campaign of the same profile and selection created before this one. */
    private static final String PREVIOUS = StatusSql.expand("""
            select p.id from campaigns p, campaigns c
             where c.id = :id and p.profile = c.profile and p.selection_key = c.selection_key and p.created_at < c.created_at
               and p.id <> c.id and p.status in {campaign:completed,degraded}
             order by p.created_at desc limit 1
            """);
    /** Each failing check across the campaign's accounts: how many accounts fail it, which, most widespread first. */
    private static final String CHECKS = """
            select f.tool, f.check_id, max(f.title) as title,
                   (array['info', 'low', 'medium', 'high', 'critical'])[max(array_position(array['info', 'low', 'medium', 'high', 'critical'], f.severity))] as severity,
                   count(distinct s.account_id) as accounts_failing, count(*) as findings,
                   array_agg(distinct s.account_id order by s.account_id) as accounts
              from findings f join scans s on s.id = f.scan_id
             where s.campaign_id = :id and f.status = 'fail'
             group by f.tool, f.check_id
             order by accounts_failing desc, max(array_position(array['info', 'low', 'medium', 'high', 'critical'], f.severity)) desc,
                      f.tool, f.check_id
             limit :limit
            """;

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    CampaignQueries(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    boolean exists(UUID id) {
        return jdbc.sql("select count(*) from campaigns where id = :id").param("id", id).query(Long.class).single() > 0;
    }

    List<Map<String, Object>> list(int limit) {
        return jdbc.sql(LIST).param("limit", limit).query((rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("campaign_id", rs.getObject("id", UUID.class));
            row.put("profile", rs.getString("profile"));
            row.put("accounts", json.readTree(rs.getString("selection")));
            row.put("status", rs.getString("status"));
            row.put("scans", rs.getLong("accounts"));
            row.put("created_at", rs.getObject("created_at", OffsetDateTime.class));
            row.put("settled_at", rs.getObject("settled_at", OffsetDateTime.class));
            return row;
        }).list();
    }

    Optional<Map<String, Object>> detail(UUID id) {
        Optional<Map<String, Object>> campaign = jdbc.sql(CAMPAIGN).param("id", id).query().listOfRows().stream().findFirst();
        if (campaign.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> row = campaign.get();
        List<Map<String, Object>> children = children(id);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("campaign_id", id);
        view.put("profile", row.get("profile"));
        view.put("accounts", json.readTree((String) row.get("selection")));
        view.put("request", json.readTree((String) row.get("request")));
        view.put("status", row.get("status"));
        view.put("created_by", row.get("created_by"));
        view.put("created_at", instant(row.get("created_at")));
        view.put("settled_at", instant(row.get("settled_at")));
        view.put("progress", progress(children));
        view.put("findings", sums(children));
        view.put("scans", children);
        view.put("skipped", json.readTree((String) row.get("skipped")));
        view.put("changes", changes(id, children));
        return Optional.of(view);
    }

    private static String instant(Object timestamp) {
        return timestamp instanceof java.sql.Timestamp t ? t.toInstant().toString() : timestamp == null ? null : timestamp.toString();
    }

    List<Map<String, Object>> checks(UUID id, int limit) {
        return jdbc.sql(CHECKS).param("id", id).param("limit", limit).query((rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tool", rs.getString("tool"));
            row.put("check_id", rs.getString("check_id"));
            row.put("title", rs.getString("title"));
            row.put("severity", rs.getString("severity"));
            row.put("accounts_failing", rs.getLong("accounts_failing"));
            row.put("findings", rs.getLong("findings"));
            row.put("accounts", List.of((String[]) rs.getArray("accounts").getArray()));
            return row;
        }).list();
    }

    private List<Map<String, Object>> children(UUID id) {
        return jdbc.sql(CHILDREN).param("id", id).query((rs, n) -> {
            Map<String, Object> child = new LinkedHashMap<>();
            child.put("account_id", rs.getString("account_id"));
            child.put("name", rs.getString("name"));
            child.put("scan_id", rs.getObject("scan_id", UUID.class));
            child.put("status", rs.getString("status"));
            child.put("degraded", rs.getBoolean("degraded"));
            Map<String, Object> findings = new LinkedHashMap<>();
            findings.put("total", rs.getLong("findings_total"));
            for (String severity : SEVERITIES) {
                findings.put(severity, rs.getLong("findings_" + severity));
            }
            child.put("findings", findings);
            double seconds = rs.getDouble("duration_seconds");
            child.put("duration_seconds", rs.wasNull() ? null : Math.round(seconds * 10) / 10.0);
            return child;
        }).list();
    }

    private static Map<String, Object> progress(List<Map<String, Object>> children) {
        long queued = children.stream().filter(c -> "queued".equals(c.get("status"))).count();
        long running = children.stream().filter(c -> "running".equals(c.get("status"))).count();
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("total", children.size());
        progress.put("queued", queued);
        progress.put("running", running);
        progress.put("settled", children.size() - queued - running);
        for (String status : new String[] {"completed", "failed", "cancelled"}) {
            progress.put(status, children.stream().filter(c -> status.equals(c.get("status"))).count());
        }
        progress.put("degraded", children.stream().filter(c -> Boolean.TRUE.equals(c.get("degraded"))).count());
        return progress;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sums(List<Map<String, Object>> children) {
        Map<String, Object> sums = new LinkedHashMap<>();
        for (String key : new String[] {"total", "critical", "high", "medium", "low", "info"}) {
            sums.put(key, children.stream().mapToLong(c -> (Long) ((Map<String, Object>) c.get("findings")).get(key)).sum());
        }
        return sums;
    }

    /**
     * What changed since the previous campaign of the same profile and selection, per account: {@code new} (not in it),
     * {@code gone} (in it, not now), {@code worse} (more failing findings, or more critical or high ones),
     * {@code better} (fewer failing findings and no more critical or high), each with the counts before and after.
     * Accounts whose scan is not completed in both are not compared.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> changes(UUID id, List<Map<String, Object>> children) {
        Map<String, Object> changes = new LinkedHashMap<>();
        Optional<UUID> previous = jdbc.sql(PREVIOUS).param("id", id).query(UUID.class).optional();
        changes.put("previous_campaign_id", previous.orElse(null));
        if (previous.isEmpty()) {
            return changes;
        }
        Map<String, Map<String, Object>> before = new LinkedHashMap<>();
        children(previous.get()).forEach(child -> before.put((String) child.get("account_id"), child));
        List<String> added = new ArrayList<>();
        List<Map<String, Object>> worse = new ArrayList<>();
        List<Map<String, Object>> better = new ArrayList<>();
        for (Map<String, Object> child : children) {
            String account = (String) child.get("account_id");
            Map<String, Object> then = before.remove(account);
            if (then == null) {
                added.add(account);
                continue;
            }
            if (!COMPLETED.equals(child.get("status")) || !COMPLETED.equals(then.get("status"))) {
                continue;
            }
            Map<String, Object> now = (Map<String, Object>) child.get("findings");
            Map<String, Object> was = (Map<String, Object>) then.get("findings");
            long total = (Long) now.get("total") - (Long) was.get("total");
            long severe = (Long) now.get("critical") + (Long) now.get("high") - (Long) was.get("critical") - (Long) was.get("high");
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("account_id", account);
            change.put("before", was);
            change.put("after", now);
            change.put("previous_scan_id", then.get("scan_id"));
            change.put("scan_id", child.get("scan_id"));
            if (total > 0 || severe > 0) {
                worse.add(change);
            } else if (total < 0) {
                better.add(change);
            }
        }
        changes.put("new", added);
        changes.put("gone", List.copyOf(before.keySet()));
        changes.put("worse", worse);
        changes.put("better", better);
        return changes;
    }
}
