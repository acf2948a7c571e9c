package io.nubicustos.bench;

import io.nubicustos.standalone.NubicustosStandalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 6. A scan's {@code /status} and a page of its findings, read at 8 connections with {@code hey}, with no triage
 * rule and then with 10,000 active ones (the cap): 6,000 by fingerprint, 3,000 by tool and check, 1,000 by tool and
 * resource pattern, a tenth of each covering findings of the scan. The reference is the same reads with no rule;
 * issue 20 asks for at most twice its p99.
 */
final class TriageRow {

    static final int FINDINGS = 5_000;
    static final int CONNECTIONS = 8;
    static final String DURATION = "15s";
    private static final String TRIAGED = io.nubicustos.gateway.triage.TriageMatch.IS_TRIAGED.replace(":triageNow", "now()");

    record Load(double perSecond, double p99Millis) {
    }

    void run(Table table) throws Exception {
        Path data = Fixtures.dataDirectory("bench-triage");
        String database = Fixtures.database();
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of(), Set.of("api-gateway"))) {
            UUID scan = seedScan(database);
            String base = "http://127.0.0.1:" + system.apiPort() + "/api/scans/" + scan;
            String status = base + "/status";
            String page = base + "/findings?page=3&size=50";
            for (int round = 0; round < 3; round++) {
                hey(status, "10s");
                hey(page, "10s");
            }
            Load statusBare = hey(status, DURATION);
            Load pageBare = hey(page, DURATION);
            seedRules(database, scan);
            for (int round = 0; round < 2; round++) {
                hey(status, "10s");
                hey(page, "10s");
            }
            Load statusRules = hey(status, DURATION);
            Load pageRules = hey(page, DURATION);
            long covered = Fixtures.count(database, "select count(*) from findings f where f.scan_id = '" + scan + "'::uuid and " + TRIAGED);
            add(table, "GET /status of a " + FINDINGS + "-finding scan, 10,000 triage rules vs none", statusRules, statusBare);
            add(table, "GET a findings page (50) of it, 10,000 triage rules vs none", pageRules, pageBare);
            table.note("triage: " + covered + " of the scan's " + FINDINGS + " findings covered by the rules; " + CONNECTIONS + " connections, " + DURATION + " each after warm-up");
        }
    }

    private static void add(Table table, String measure, Load ours, Load reference) {
        double ratio = ours.p99Millis() / reference.p99Millis();
        table.add(measure, String.format("%,.0f/s, p99 %.1f ms", ours.perSecond(), ours.p99Millis()),
                String.format("%,.0f/s, p99 %.1f ms", reference.perSecond(), reference.p99Millis()), String.format("%.2f", ratio),
                "p99 <= 2x no rules", ratio <= 2.0);
    }

    /** A completed scan of one Prowler step with FINDINGS failed findings over 200 checks and 1,000 resources. */
    private static UUID seedScan(String database) {
        UUID scan = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        Fixtures.execute(database, """
                insert into scans (id, profile, aws_profile, status, source, created_at) values ('%1$s', 'quick', 'default', 'completed', 'rest', now());
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values ('%2$s', '%1$s', 'prowler', 0, 'succeeded', '{}'::jsonb, now());
                insert into findings (scan_id, step_id, tool, check_id, severity, status, account, resource_id, fingerprint)
                select '%1$s', '%2$s', 'prowler', 'check_' || (i %% 200),
                       (array['critical','high','medium','low','info'])[1 + i %% 5], 'fail', '123456789012',
                       'arn:aws:s3:::bucket-' || (i %% 1000) || '-' || i, encode(sha256(convert_to('%1$s' || i, 'UTF8')), 'hex')
                  from generate_series(1, %3$d) i;
                update scans set findings_total = %3$d, findings_critical = %3$d / 5, findings_high = %3$d / 5, findings_medium = %3$d / 5,
                       findings_low = %3$d / 5, findings_info = %3$d / 5 where id = '%1$s';
                analyze findings;
                """.formatted(scan, step, FINDINGS));
        return scan;
    }

    /** 10,000 active rules, as the API would store them (resource_like computed as TriageMatch does). */
    private static void seedRules(String database, UUID scan) {
        Fixtures.execute(database, """
                insert into triage_rules (id, fingerprint, state, reason, created_by, created_at)
                select gen_random_uuid(), case when i <= 600 then encode(sha256(convert_to('%1$s' || (i * 7), 'UTF8')), 'hex')
                                               else encode(sha256(convert_to('elsewhere' || i, 'UTF8')), 'hex') end,
                       'muted', 'bench', 'bench', now() from generate_series(1, 6000) i;
                insert into triage_rules (id, tool, check_id, state, reason, created_by, created_at)
                select gen_random_uuid(), 'prowler', case when i <= 20 then 'check_' || (i * 9) else 'other_check_' || i end,
                       'false_positive', 'bench', 'bench', now() from generate_series(1, 3000) i;
                insert into triage_rules (id, tool, resource_pattern, resource_like, state, reason, created_by, created_at)
                select gen_random_uuid(), 'prowler', case when i <= 100 then 'arn:aws:s3:::bucket-' || (i * 3) || '-*' else 'arn:aws:s3:::other-' || i || '-*' end,
                       case when i <= 100 then 'arn:aws:s3:::bucket-' || (i * 3) || '-%%' else 'arn:aws:s3:::other-' || i || '-%%' end,
                       'muted', 'bench', 'bench', now() from generate_series(1, 1000) i;
                analyze triage_rules;
                """.formatted(scan));
    }

    private static Load hey(String url, String duration) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("hey", "-z", duration, "-c", Integer.toString(CONNECTIONS), url).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("hey failed (apt-get install -y hey): " + output);
        }
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(output);
        Matcher p99 = Pattern.compile("99%+ in ([0-9.]+) secs").matcher(output);
        Matcher ok = Pattern.compile("\\[200]\\s+\\d+ responses").matcher(output);
        if (!rate.find() || !p99.find() || !ok.find()) {
            throw new IllegalStateException("cannot read hey's output (or no 200 answers): " + output);
        }
        return new Load(Double.parseDouble(rate.group(1)), Double.parseDouble(p99.group(1)) * 1000);
    }
}
