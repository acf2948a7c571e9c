package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 scans submitted at once to a worker with a concurrency of 2 and a cap of one running step per
 * cloud account: every scan completes, and the step timestamps show the cap was never exceeded.
 */
class FleetEndToEndTest {

    static NubicustosStandalone system;
    static Api api;
    static String database;

    @BeforeAll
    static void start() throws Exception {
        StandInTools.removeLeftovers();
        Path data = TestDirectories.create("nubicustos-fleet");
        Files.createDirectories(data.resolve("credentials/aws"));
        Files.writeString(data.resolve("credentials/aws/credentials"), RunningSystem.CREDENTIALS);
        database = TestPostgres.newDatabase();
        system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null, Ports.free(), Ports.free(), 0,
                0, 0, 0, Map.of("spring.datasource.username", "postgres", "spring.datasource.password", "",
                "nubicustos.worker.concurrency", "2", "nubicustos.worker.account-cap", "1",
                "nubicustos.worker.poll-interval", "200ms", "nubicustos.processor.sweep-interval", "1s",
                "nubicustos.outbox.poll-interval", "100ms", "nubicustos.api.requests-per-minute", "100000")));
        api = new Api(system.apiPort());
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** The pairs of steps of one account whose running intervals overlap, for the failure message. */
    private static String overlaps(Statement s) throws java.sql.SQLException {
        ResultSet rs = s.executeQuery("""
                select sa.aws_profile, a.id, a.started_at, a.container_finished_at, a.owner, a.attempt,
                       b.id, b.started_at, b.container_finished_at, b.owner, b.attempt
                  from scan_steps a join scans sa on sa.id = a.scan_id, scan_steps b join scans sb on sb.id = b.scan_id
                 where sa.aws_profile = sb.aws_profile and a.id < b.id
                   and a.started_at < b.container_finished_at and b.started_at < a.container_finished_at
                 limit 5
                """);
        StringBuilder out = new StringBuilder("overlapping steps:");
        while (rs.next()) {
            out.append("\n");
            for (int i = 1; i <= 11; i++) {
                out.append(rs.getString(i)).append(' ');
            }
        }
        return out.toString();
    }

    @Test
    void twoHundredScansAllCompleteAndTheAccountCapIsNeverExceeded() throws Exception {
        StandInTools.prowler421(0);
        List<String> scans = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            scans.add(api.submit("{\"profile\": \"quick\", \"aws_profile\": \"" + (i % 2 == 0 ? "default" : "diff-account") + "\"}"));
        }

        // sampled live as well: the most steps of one account running at once, as the database says (running: claimed,
        // and its container's exit not yet recorded; the log tail and the report of an exited one are collected
        // while the next step of the account runs)
        java.util.Map<String, Integer> livePeaks = new java.util.concurrent.ConcurrentHashMap<>();
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement();
                 ResultSet running = s.executeQuery("""
                         select sc.aws_profile, count(*) from scan_steps st join scans sc on sc.id = st.scan_id
                          where st.status = 'running' and st.container_finished_at is null group by sc.aws_profile""")) {
                while (running.next()) {
                    livePeaks.merge(running.getString(1), running.getInt(2), Math::max);
                }
            }
            return api.getJson("/api/scans?status=completed&size=1").get("total").asInt() == 200;
        });
        assertThat(livePeaks.values()).as("live running steps per account " + livePeaks).allMatch(n -> n <= 1);

        try (Connection c = DriverManager.getConnection(database, "postgres", ""); Statement s = c.createStatement()) {
            // the most steps of one account whose [claimed, container finished] intervals overlap at one instant
            ResultSet rs = s.executeQuery("""
                    with spans as (
                        select sc.aws_profile, st.started_at as t, 1 as delta from scan_steps st join scans sc on sc.id = st.scan_id
                        union all
                        select sc.aws_profile, st.container_finished_at, -1 from scan_steps st join scans sc on sc.id = st.scan_id
                    ), running as (
                        select aws_profile, sum(delta) over (partition by aws_profile order by t, delta rows unbounded preceding) as n from spans
                    )
                    select aws_profile, max(n) from running group by aws_profile order by aws_profile
                    """);
            List<String> peaks = new ArrayList<>();
            while (rs.next()) {
                peaks.add(rs.getString(1) + "=" + rs.getInt(2));
            }
            assertThat(peaks).as(overlaps(s)).containsExactly("default=1", "diff-account=1");
            ResultSet attempts = s.executeQuery("select max(attempt), count(*) from scan_steps");
            attempts.next();
            assertThat(attempts.getInt(1)).as("each step ran exactly once").isEqualTo(1);
            assertThat(attempts.getInt(2)).isEqualTo(200);
        }
        assertThat(StandInTools.managedContainers()).isEmpty();
    }
}
