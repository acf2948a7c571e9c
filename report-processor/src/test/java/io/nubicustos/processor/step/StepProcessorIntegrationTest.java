package io.nubicustos.processor.step;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.SettableClock;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Real PostgreSQL (embedded binaries) and a real KRaft broker; the reports are the real samples. */
@SpringBootTest(properties = {"spring.config.name=report-processor", "nubicustos.processor.sweep-interval=1h",
        "nubicustos.processor.retry-backoff=1h", "nubicustos.processor.max-attempts=3"})
@RealInfrastructure(topics = {Topics.STEP_COMPLETED})
class StepProcessorIntegrationTest {

    @TempDir
    static Path reports;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("nubicustos.reports.path", () -> reports.toString());
    }

    @Autowired
    StepProcessor processor;
    @Autowired
    ProcessorSweeper sweeper;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SettableClock clock;

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        SettableClock settableClock() {
            return SettableClock.startingNow();
        }
    }

    @Test
    void aFindingRepeatedInTheReportIsStoredOnceWithItsOccurrencesCounted() throws IOException {
        UUID scan = scan("");
        UUID step = step(scan, "prowler", "prowler", "reporting");
        var records = io.nubicustos.processor.report.JsonReports.MAPPER.readTree(Samples.file("prowler/prowler5_example_output_aws.ocsf.json").toFile());
        var repeated = io.nubicustos.processor.report.JsonReports.MAPPER.createArrayNode();
        for (int i = 0; i < 3; i++) {
            repeated.add(records.get(0));
        }
        repeated.add(records.get(2));
        repeated.add(records.get(0));
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve("prowler"));
        Files.writeString(dir.resolve("p.ocsf.json"), repeated.toString());

        processor.process(step);
        processor.process(step);
        jdbc.sql("update scan_steps set status = 'reporting' where id = :id").param("id", step).update();
        processor.process(step);

        List<Map<String, Object>> rows = jdbc.sql("select check_id, occurrences from findings where step_id = :id order by occurrences desc")
                .param("id", step).query().listOfRows();
        assertThat(rows).extracting(r -> r.get("check_id") + "x" + r.get("occurrences"))
                .containsExactly("accessanalyzer_enabledx4", "account_maintain_different_contact_details_to_security_billing_and_operationsx1");
        assertThat(jdbc.sql("select findings_count from scan_steps where id = :id").param("id", step).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void passesAreKeptBesideRepeatedFindingsReplacedOnReprocessingAndNotKeptUnderASeverityFilter() throws IOException {
        // Prowler 3.3's real ASFF report: 441 PASSED results (distinct by check and resource: counted below), and a
        // repeated FAILED record makes the writer set repeats aside while it also sets passes aside
        var records = (tools.jackson.databind.node.ArrayNode) io.nubicustos.processor.report.JsonReports.MAPPER
                .readTree(Samples.file("prowler/prowler330_output.asff.json").toFile());
        java.util.Set<String> distinctPasses = new java.util.HashSet<>();
        tools.jackson.databind.JsonNode failed = null;
        for (var r : records) {
            if ("PASSED".equals(r.at("/Compliance/Status").asString())) {
                distinctPasses.add(r.get("GeneratorId").asString() + " " + r.at("/Resources/0/Id").asString());
            } else if (failed == null && "FAILED".equals(r.at("/Compliance/Status").asString())) {
                failed = r;
            }
        }
        records.add(failed.deepCopy());
        UUID scan = scan("");
        UUID step = step(scan, "prowler", "prowler", "reporting");
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve("prowler"));
        Files.writeString(dir.resolve("prowler-output-123456789012.asff.json"), records.toString());

        processor.process(step);
        jdbc.sql("update scan_steps set status = 'reporting' where id = :id").param("id", step).update();
        processor.process(step);

        assertThat(jdbc.sql("select status from scan_steps where id = :id").param("id", step).query(String.class).single()).isEqualTo("succeeded");
        assertThat(jdbc.sql("select count(*) from finding_passes where step_id = :id").param("id", step).query(Long.class).single())
                .as("once each, after processing twice").isEqualTo(distinctPasses.size());
        assertThat(jdbc.sql("select count(*) from findings where step_id = :id and resource_key is null and resource_id like 'arn:aws:ec2:%'")
                .param("id", step).query(Long.class).single()).as("every EC2 ARN has its key").isZero();
        assertThat(jdbc.sql("select resource_key from finding_passes where step_id = :id and resource_id like '%security-group/sg-%' limit 1")
                .param("id", step).query(String.class).single()).startsWith("sg-");

        UUID filtered = scan("critical");
        UUID filteredStep = step(filtered, "prowler", "prowler", "reporting");
        Path filteredDir = Files.createDirectories(reports.resolve(filtered.toString()).resolve("prowler"));
        Files.writeString(filteredDir.resolve("prowler-output-123456789012.asff.json"), records.toString());
        processor.process(filteredStep);
        assertThat(jdbc.sql("select count(*) from finding_passes where step_id = :id").param("id", filteredStep).query(Long.class).single())
                .as("a check whose failures were filtered out must not look passed").isZero();
    }

    @Test
    void twoStepsOfOneScanProcessedAtOnceSettleItWithTheFindingsOfBoth() throws Exception {
        UUID scan = scan("");
        UUID first = step(scan, "scoutsuite", "prowler", "reporting");
        UUID last = step(scan, "prowler", "prowler", "reporting");
        report(scan, "prowler", "prowler/prowler5_example_output_aws.ocsf.json", "p.ocsf.json");
        // the first step's transaction, caught between its recount (which holds the scan's row) and its commit
        try (Connection other = DriverManager.getConnection(jdbc.sql("select 'jdbc:postgresql://localhost:' || current_setting('port')"
                + " || '/' || current_database()").query(String.class).single(), "postgres", "")) {
            other.setAutoCommit(false);
            try (Statement sql = other.createStatement()) {
                sql.execute("insert into findings (scan_id, step_id, tool, check_id, severity, status, fingerprint)"
                        + " values ('" + scan + "', '" + first + "', 'scoutsuite', 'iam-root-mfa', 'high', 'fail', 'fp-1')");
                sql.execute("update scan_steps set status = 'succeeded' where id = '" + first + "'");
                sql.execute("update scans set findings_total = findings_total where id = '" + scan + "'");
            }
            Thread lastStep = new Thread(() -> processor.process(last));
            lastStep.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("select count(*) from pg_locks l join pg_stat_activity a"
                    + " on a.pid = l.pid where not l.granted and a.datname = current_database()").query(Long.class).single() > 0);
            other.commit();
            lastStep.join(10_000);
        }

        Map<String, Object> settled = jdbc.sql("select status, findings_total, findings_high from scans where id = :id").param("id", scan)
                .query().singleRow();
        assertThat(settled.get("status")).isEqualTo("completed");
        assertThat(settled.get("findings_high")).as("the first step's finding counted").isEqualTo(1);
        assertThat(settled.get("findings_total")).isEqualTo(3);
    }

    @Test
    void valuesTheDatabaseCannotStoreAreCleanedAndTheCleaningIsCounted() throws IOException {
        UUID scan = scan("");
        UUID step = step(scan, "prowler", "prowler", "reporting");
        String sample = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
        // a NUL inside a description, and a time 300,000 years from now
        String hostile = sample.replaceFirst("\"status_detail\": \"", java.util.regex.Matcher.quoteReplacement("\"status_detail\": \"\\u0000nul "))
                .replaceAll("\"time\":\\s*\\d+", "\"time\": 9467280000000");
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve("prowler"));
        Files.writeString(dir.resolve("p.ocsf.json"), hostile);

        processor.process(step);

        Map<String, Object> row = jdbc.sql("select status, note from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat(row.get("status")).isEqualTo("succeeded");
        assertThat((String) row.get("note")).contains("1 value(s) had NUL characters removed").contains("timestamp(s) outside the years");
        assertThat(findings(step)).hasSize(5).allSatisfy(f -> assertThat(f.get("observed_at")).isNull())
                .anySatisfy(f -> assertThat((String) f.get("description")).startsWith("nul "));
    }

    @Test
    void aStepWhoseProcessingKeepsFailingIsRetriedSpacedOutThenFailedAndNeverHoldsUpTheOthers() throws IOException {
        jdbc.sql("""
                create or replace function refuse_poison() returns trigger language plpgsql as $$
                begin
                    if new.check_id like '%poison%' then raise exception 'the database refuses this row'; end if;
                    return new;
                end $$""").update();
        jdbc.sql("create trigger refuse_poison before insert on findings for each row execute function refuse_poison()").update();
        try {
            UUID scan = scan("");
            UUID poisoned = step(scan, "prowler", "prowler", "reporting");
            UUID behind = step(scan, "scoutsuite", "prowler", "reporting");
            String sample = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
            Files.writeString(Files.createDirectories(reports.resolve(scan.toString()).resolve("prowler")).resolve("p.ocsf.json"),
                    sample.replaceFirst("\"event_code\": \"", "\"event_code\": \"poison_"));
            report(scan, "scoutsuite", "prowler/prowler5_example_output_aws.ocsf.json", "p.ocsf.json");

            processor.process(poisoned);
            assertThat(processing(poisoned)).containsEntry("status", "reporting").containsEntry("processing_attempts", 1);

            sweeper.runOnce();
            assertThat(processing(behind)).as("the step behind is served first").containsEntry("status", "succeeded");
            assertThat(processing(poisoned)).as("spaced out: not retried yet").containsEntry("processing_attempts", 1);

            clock.advance(Duration.ofHours(1).plusMinutes(1));
            sweeper.runOnce();
            assertThat(processing(poisoned)).containsEntry("status", "reporting").containsEntry("processing_attempts", 2);
            clock.advance(Duration.ofHours(1).plusMinutes(1));
            sweeper.runOnce();
            assertThat(processing(poisoned)).as("the back-off doubles").containsEntry("processing_attempts", 2);
            clock.advance(Duration.ofHours(1));
            sweeper.runOnce();

            Map<String, Object> failed = processing(poisoned);
            assertThat(failed).containsEntry("status", "failed").containsEntry("processing_attempts", 3);
            assertThat((String) failed.get("error")).contains("processing the report failed 3 times").contains("the database refuses this row");
            assertThat(jdbc.sql("select status from scans where id = :id").param("id", scan).query(String.class).single()).isEqualTo("failed");
        } finally {
            jdbc.sql("drop trigger refuse_poison on findings").update();
        }
    }

    private Map<String, Object> processing(UUID step) {
        return jdbc.sql("select status, processing_attempts, error from scan_steps where id = :id").param("id", step).query().singleRow();
    }

    @Test
    void processingTheSameStepTwiceYieldsTheSameRowsAndSettlesTheScanOnce() throws IOException {
        UUID scan = scan("");
        UUID step = step(scan, "prowler", "prowler", "reporting");
        report(scan, "prowler", "prowler/prowler5_example_output_aws.ocsf.json", "p.ocsf.json");

        processor.process(step);
        List<Map<String, Object>> first = findings(step);
        // a duplicate completion event: the step is settled, nothing changes
        processor.process(step);
        jdbc.sql("update scan_steps set status = 'reporting' where id = :id").param("id", step).update();
        // even a forced re-processing replaces the rows with identical ones
        processor.process(step);

        assertThat(findings(step)).usingRecursiveComparison().ignoringFields("id").isEqualTo(first);
        assertThat(first).hasSize(5);
        Map<String, Object> counts = jdbc.sql("select status, findings_total, findings_medium, findings_low, findings_needs_review from scans where id = :id")
                .param("id", scan).query().singleRow();
        assertThat(counts).containsEntry("status", "completed").containsEntry("findings_total", 2)
                .containsEntry("findings_medium", 1).containsEntry("findings_low", 1).containsEntry("findings_needs_review", 3);
        assertThat(jdbc.sql("select payload::jsonb ->> 'type' from outbox where topic = :t and message_key = :k order by id")
                .param("t", Topics.SCAN_EVENTS).param("k", scan.toString()).query(String.class).list())
                .as("settled once: one settled event, and its first findings announced once as new")
                .containsExactly("io.nubicustos.scan.completed", "io.nubicustos.findings.new");
    }

    @Test
    void theSeverityFilterAppliesToNormalizedFindings() throws IOException {
        UUID scan = scan("low");
        UUID step = step(scan, "prowler", "prowler", "reporting");
        report(scan, "prowler", "prowler/prowler5_example_output_aws.ocsf.json", "p.ocsf.json");

        processor.process(step);

        assertThat(findings(step)).extracting(r -> r.get("severity")).containsExactly("low");
        assertThat(jdbc.sql("select note from scan_steps where id = :id").param("id", step).query(String.class).single())
                .contains("4 finding(s) outside the severity filter [LOW] left out");
    }

    @Test
    void aToolWithoutParserSucceedsWithoutFindingsAndSaysSo() {
        UUID scan = scan("");
        UUID step = step(scan, "trivy", "trivy-json", "reporting");

        processor.process(step);

        Map<String, Object> row = jdbc.sql("select status, note, findings_count from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat(row).containsEntry("status", "succeeded").containsEntry("findings_count", 0);
        assertThat((String) row.get("note")).contains("no parser for report format 'trivy-json'");
    }

    @Test
    void anInventoryToolSucceedsWithASummaryAndNoFindings() throws IOException {
        UUID scan = scan("");
        UUID step = step(scan, "enumerate-iam", "enumerate-iam-log", "reporting");
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve("enumerate-iam"));
        Files.writeString(dir.resolve("enumerate-iam.log"), """
                2026-11-28 08:00:00,001 - 7 - [INFO] Starting permission enumeration for access-key-id "AKIAEXAMPLE"
                2026-11-28 08:00:01,002 - 7 - [INFO] -- Account ARN : arn:aws:iam::123456789012:user/audit
                2026-11-28 08:00:01,003 - 7 - [INFO] -- Account Id  : 123456789012
                2026-11-28 08:00:05,004 - 7 - [INFO] -- iam.list_users() worked!
                2026-11-28 08:00:06,005 - 7 - [INFO] -- s3.list_buckets() worked!
                """);

        processor.process(step);

        Map<String, Object> row = jdbc.sql("select status, note, findings_count from scan_steps where id = :id").param("id", step).query().singleRow();
        assertThat(row).containsEntry("status", "succeeded").containsEntry("findings_count", 0);
        assertThat((String) row.get("note")).contains("inventory only").contains("account 123456789012, 2 permitted call(s): iam.list_users, s3.list_buckets");
    }

    @Test
    void aBrokenReportFailsOnlyItsOwnStepAndTheScanEndsFailed() throws IOException {
        UUID scan = scan("");
        UUID good = step(scan, "prowler", "prowler", "reporting");
        UUID bad = step(scan, "scoutsuite", "prowler", "reporting");
        report(scan, "prowler", "prowler/prowler5_example_output_aws.ocsf.json", "p.ocsf.json");
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve("scoutsuite"));
        Files.writeString(dir.resolve("broken.ocsf.json"), "[{\"status_code\": \"FAIL\",");

        processor.process(good);
        processor.process(bad);

        assertThat(findings(good)).hasSize(5);
        Map<String, Object> failed = jdbc.sql("select status, error from scan_steps where id = :id").param("id", bad).query().singleRow();
        assertThat(failed.get("status")).isEqualTo("failed");
        assertThat((String) failed.get("error")).contains("broken.ocsf.json at line 1");
        assertThat(jdbc.sql("select status from scans where id = :id").param("id", scan).query(String.class).single()).isEqualTo("failed");
    }

    @Test
    void aScanWhoseProwlerReportHasATenthOfItsBaselinesResultsIsDegradedAndAnnounced() throws IOException {
        String account = "monitored-" + UUID.randomUUID();
        UUID hook = UUID.randomUUID();
        jdbc.sql("""
                insert into webhooks (id, url, event_types, min_severity, format, secret, created_at)
                values (:id, 'http://127.0.0.1:9/hook', array['scan.degraded', 'findings.new'], 'critical', 'cloudevents', 'a-secret-of-16-chars', now())
                """).param("id", hook).update();
        try {
            UUID baseline = scan("", account);
            UUID full = step(baseline, "prowler", "prowler", "reporting");
            report(baseline, "prowler", "prowler/prowler330_output.asff.json", "p.asff.json");
            processor.process(full);
            assertThat(degraded(baseline)).isFalse();
            assertThat(io.nubicustos.processor.report.JsonReports.MAPPER.readValue(jdbc.sql("select coverage::text from scan_steps where id = :id")
                    .param("id", full).query(String.class).single(), Map.class))
                    .as("passes counted: 441 PASSED, 286 FAILED, 4 INFOED").isEqualTo(Map.of("results", 731, "passes", 441, "checks", 101, "resources", 81,
                            "regions", 17, "access_denied_lines", 0, "throttling_lines", 0));
            assertThat(deliveries(hook, baseline)).as("the first scan's critical findings are new").containsExactly("findings.new");

            clock.advance(Duration.ofHours(1));
            UUID lessened = scan("", account);
            UUID tenth = step(lessened, "prowler", "prowler", "reporting");
            var all = io.nubicustos.processor.report.JsonReports.MAPPER.readTree(Samples.file("prowler/prowler330_output.asff.json").toFile());
            var cut = io.nubicustos.processor.report.JsonReports.MAPPER.createArrayNode();
            for (int i = 0; i < all.size(); i += 10) {
                cut.add(all.get(i));
            }
            Path dir = Files.createDirectories(reports.resolve(lessened.toString()).resolve("prowler"));
            Files.writeString(dir.resolve("p.asff.json"), cut.toString());
            Path logs = Files.createDirectories(reports.resolve(lessened.toString()).resolve(".logs"));
            Files.writeString(logs.resolve("prowler.log"), "[stderr] botocore.exceptions.ClientError: An error occurred (AccessDenied) when"
                    + " calling the GetBucketPolicy operation: Access Denied\n".repeat(12) + "prowler finished\n");
            processor.process(tenth);

            Map<String, Object> scan = jdbc.sql("select status, degraded, degraded_reasons::text as reasons from scans where id = :id")
                    .param("id", lessened).query().singleRow();
            assertThat(scan.get("status")).as("degraded is not a status").isEqualTo("completed");
            assertThat(scan.get("degraded")).isEqualTo(true);
            assertThat((String) scan.get("reasons")).contains("\"baseline_scan_id\": \"" + baseline + "\"")
                    .contains("results fell to 74 from 731 (10.1% of the baseline")
                    .contains("12 access-denied line(s) in its log, 0 in the baseline's");
            List<String> events = jdbc.sql("select payload::jsonb ->> 'type' from outbox where message_key = :key order by id")
                    .param("key", lessened.toString()).query(String.class).list();
            // why: a tool that saw far less fixed nothing; announcing the findings it no longer saw as fixed would close real alerts
            assertThat(events).as("no findings.fixed from a degraded tool").containsExactly("io.nubicustos.scan.completed",
                    "io.nubicustos.scan.degraded");
            assertThat(deliveries(hook, lessened)).as("nothing new in a part of the same report").containsExactly("scan.degraded");

            clock.advance(Duration.ofHours(1));
            UUID recovered = scan("", account);
            UUID again = step(recovered, "prowler", "prowler", "reporting");
            report(recovered, "prowler", "prowler/prowler330_output.asff.json", "p.asff.json");
            processor.process(again);
            assertThat(degraded(recovered)).as("compared with the last scan that was not degraded").isFalse();

            // one failing finding fewer than its baseline, and nothing else lost: that one is announced fixed, once
            clock.advance(Duration.ofHours(1));
            UUID fixedOne = scan("", account);
            UUID last = step(fixedOne, "prowler", "prowler", "reporting");
            var oneFewer = io.nubicustos.processor.report.JsonReports.MAPPER.createArrayNode();
            String droppedId = null;
            for (var record : all) {
                if (droppedId == null && "FAILED".equals(record.at("/Compliance/Status").asString())) {
                    droppedId = record.get("Id").asString();
                    continue;
                }
                oneFewer.add(record);
            }
            Path lastDir = Files.createDirectories(reports.resolve(fixedOne.toString()).resolve("prowler"));
            Files.writeString(lastDir.resolve("p.asff.json"), oneFewer.toString());
            processor.process(last);
            assertThat(degraded(fixedOne)).isFalse();
            var fixedEvent = io.nubicustos.processor.report.JsonReports.MAPPER.readTree(jdbc.sql(
                    "select payload from outbox where message_key = :key and payload::jsonb ->> 'type' = 'io.nubicustos.findings.fixed'")
                    .param("key", fixedOne.toString()).query(String.class).single());
            long fixed = jdbc.sql("""
                    select count(*) from findings p where p.scan_id = :baseline and p.status = 'fail'
                       and not exists (select 1 from findings c where c.scan_id = :id and c.fingerprint = p.fingerprint and c.status = 'fail')
                    """).param("baseline", recovered).param("id", fixedOne).query(Long.class).single();
            assertThat(fixed).as("the findings of the dropped record").isPositive();
            long counted = 0;
            for (var severity : fixedEvent.at("/data/counts")) {
                counted += severity.asLong();
            }
            assertThat(counted).isEqualTo(fixed);
            assertThat(fixedEvent.at("/data/findings").size()).isEqualTo((int) fixed);
            assertThat(fixedEvent.at("/data/truncated").asBoolean()).isFalse();
            assertThat(fixedEvent.at("/data/aws_profile").asString()).isEqualTo(account);
            assertThat(fixedEvent.at("/data/baselines/prowler").asString()).isEqualTo(recovered.toString());
            assertThat(jdbc.sql("select payload::jsonb ->> 'type' from outbox where message_key = :key order by id")
                    .param("key", fixedOne.toString()).query(String.class).list())
                    .as("nothing new against a baseline that had every other finding")
                    .containsExactly("io.nubicustos.scan.completed", "io.nubicustos.findings.fixed");
        } finally {
            jdbc.sql("delete from webhooks where id = :id").param("id", hook).update();
        }
    }

    @Test
    void eachToolIsComparedWithTheLastScanInWhichItSucceeded() throws IOException {
        String account = "per-tool-" + UUID.randomUUID();
        UUID first = scan("", account);
        report(first, "prowler", "prowler/prowler330_output.asff.json", "p.asff.json");
        processor.process(step(first, "prowler", "prowler", "reporting"));

        clock.advance(Duration.ofHours(1));
        UUID broken = scan("", account);
        Files.writeString(Files.createDirectories(reports.resolve(broken.toString()).resolve("prowler")).resolve("p.asff.json"), "[{\"Compl");
        processor.process(step(broken, "prowler", "prowler", "reporting"));
        assertThat(jdbc.sql("select status from scans where id = :id").param("id", broken).query(String.class).single()).isEqualTo("failed");

        clock.advance(Duration.ofHours(1));
        UUID empty = scan("", account);
        Files.writeString(Files.createDirectories(reports.resolve(empty.toString()).resolve("prowler")).resolve("p.asff.json"), "[]");
        processor.process(step(empty, "prowler", "prowler", "reporting"));

        String reasons = jdbc.sql("select degraded_reasons::text from scans where id = :id").param("id", empty).query(String.class).single();
        assertThat(reasons).as("compared with the first scan: prowler failed in the one between")
                .contains("\"baseline_scan_id\": \"" + first + "\"").contains("an empty report: 0 results where the baseline had 731");
    }

    private boolean degraded(UUID scan) {
        return jdbc.sql("select degraded from scans where id = :id").param("id", scan).query(Boolean.class).single();
    }

    private List<String> deliveries(UUID hook, UUID scan) {
        return jdbc.sql("select event_type from webhook_deliveries where webhook_id = :hook and scan_id = :scan order by id")
                .param("hook", hook).param("scan", scan).query(String.class).list();
    }

    private UUID scan(String severities) {
        return scan(severities, "default");
    }

    private UUID scan(String severities, String awsProfile) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scans (id, profile, aws_profile, severity_filter, status, source, created_at)
                values (:id, 'quick', :awsProfile, string_to_array(:sev, ','), 'running', 'rest', :now)
                """).param("id", id).param("awsProfile", awsProfile).param("sev", severities).param("now", OffsetDateTime.now(clock)).update();
        return id;
    }

    private UUID step(UUID scan, String tool, String format, String status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at, container_finished_at)
                values (:id, :scan, :tool, 0, :status, cast(:plan as jsonb), :now, :now)
                """).param("id", id).param("scan", scan).param("tool", tool).param("status", status)
                .param("plan", "{\"report_format\": \"" + format + "\"}").param("now", OffsetDateTime.now(clock).minusMinutes(1)).update();
        return id;
    }

    private static void report(UUID scan, String tool, String sample, String name) throws IOException {
        Path dir = Files.createDirectories(reports.resolve(scan.toString()).resolve(tool));
        Files.copy(Samples.file(sample), dir.resolve(name));
    }

    private List<Map<String, Object>> findings(UUID step) {
        return jdbc.sql("select * from findings where step_id = :id order by fingerprint").param("id", step).query().listOfRows();
    }
}
