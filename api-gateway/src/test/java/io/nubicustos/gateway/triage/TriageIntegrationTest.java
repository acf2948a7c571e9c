package io.nubicustos.gateway.triage;

import io.nubicustos.testsupport.RawHttp;
import io.nubicustos.testsupport.RealInfrastructure;
import io.nubicustos.testsupport.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.nubicustos.gateway.TestClock;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Triage rules on a real PostgreSQL, with time on a settable clock: a rule by tool, check and resource
 * pattern covers exactly the findings it names; covered findings are shown as triaged, not counted; they
 * are counted again when the rule expires or is deleted; the exports mark them; every change is audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"spring.config.name=api-gateway",
        "nubicustos.triage.max-active-rules=8"})
@RealInfrastructure
@Import(TestClock.class)
class TriageIntegrationTest {

    static final SettableClock CLOCK = TestClock.CLOCK;
    static final JsonMapper JSON = JsonMapper.builder().build();


    @LocalServerPort
    int port;
    @BeforeEach
    void startOfTheTest() {
        CLOCK.set(Instant.parse("2026-11-29T10:00:00Z"));
    }

    @Autowired
    JdbcClient jdbc;

    @Test
    void aRuleCoversWhatItNamesUntilItExpiresAndTheExportsSaySo() {
        UUID scan = scanWith(new String[][] {
                {"prowler", "s3_bucket_public", "critical", "arn:aws:s3:::public-logs"},
                {"prowler", "s3_bucket_public", "critical", "arn:aws:s3:::public_backups"},
                {"prowler", "s3_bucket_public", "critical", "arn:aws:s3:::private-data"},
                {"prowler", "iam_root_mfa", "high", "arn:aws:iam::123456789012:root"}});
        assertThat(call("GET", "/api/scans/" + scan + "/status", null, 200).at("/findings/critical").asInt()).isEqualTo(3);

        JsonNode rule = call("POST", "/api/triage", """
                {"tool": "prowler", "check_id": "s3_bucket_public", "resource": "arn:aws:s3:::public-*", "state": "false_positive",
                 "reason": "public by design: static site logs", "expires_at": "2026-12-01T00:00:00Z"}""", 201);
        assertThat(rule.get("active").asBoolean()).isTrue();

        JsonNode status = call("GET", "/api/scans/" + scan + "/status", null, 200);
        assertThat(status.at("/findings/critical").asInt()).as("public-logs only: _ is not a wildcard").isEqualTo(2);
        assertThat(status.at("/findings/total").asInt()).isEqualTo(3);
        assertThat(status.at("/findings/triaged").asInt()).isEqualTo(1);
        JsonNode triaged = call("GET", "/api/scans/" + scan + "/findings?status=triaged", null, 200);
        assertThat(triaged.get("total").asInt()).isEqualTo(1);
        assertThat(triaged.at("/findings/0/resource_id").asString()).isEqualTo("arn:aws:s3:::public-logs");
        assertThat(triaged.at("/findings/0/triage/state").asString()).isEqualTo("false_positive");
        assertThat(triaged.at("/findings/0/triage/reason").asString()).isEqualTo("public by design: static site logs");
        assertThat(call("GET", "/api/scans/" + scan + "/findings", null, 200).get("total").asInt()).isEqualTo(3);
        assertThat(call("GET", "/api/scans/" + scan + "/findings?status=all", null, 200).get("total").asInt()).isEqualTo(4);

        String csv = RawHttp.get(port, "/api/scans/" + scan + "/findings/export?format=csv", Map.of()).body();
        assertThat(csv.lines().filter(l -> l.contains("public-logs")).findFirst().orElseThrow()).contains("false_positive");
        JsonNode sarif = JSON.readTree(RawHttp.get(port, "/api/scans/" + scan + "/findings/export?format=sarif", Map.of()).body());
        assertThat(sarif.at("/runs/0/results").findValues("suppressions")).hasSize(1);
        assertThat(io.nubicustos.testsupport.GitHubSarifRules.violations(sarif)).as("what GitHub code scanning would refuse").isEmpty();
        // the JSON export writes each finding as the API serves it (but for first/last seen, which only the API's pages work out)
        JsonNode exported = JSON.readTree(RawHttp.get(port, "/api/scans/" + scan + "/findings/export?format=json&status=all", Map.of()).body());
        JsonNode served = call("GET", "/api/scans/" + scan + "/findings?status=all", null, 200).get("findings");
        java.util.Set<String> servedFindings = new java.util.HashSet<>();
        served.forEach(f -> servedFindings.add(((tools.jackson.databind.node.ObjectNode) f.deepCopy()).without(List.of("first_seen", "last_seen")).toString()));
        java.util.Set<String> exportedFindings = new java.util.HashSet<>();
        exported.get("findings").forEach(f -> exportedFindings.add(f.toString()));
        assertThat(exportedFindings).hasSize(4).isEqualTo(servedFindings);
        assertThat(exported.at("/findings").findValues("triage").stream().filter(t -> !t.isNull()).toList()).singleElement()
                .satisfies(t -> assertThat(t.get("state").asString()).isEqualTo("false_positive"));

        CLOCK.set(Instant.parse("2026-12-01T00:00:01Z"));
        assertThat(call("GET", "/api/scans/" + scan + "/status", null, 200).at("/findings/critical").asInt()).as("expired").isEqualTo(3);
        assertThat(call("GET", "/api/triage?active=true", null, 200).get("rules")).isEmpty();
        assertThat(call("GET", "/api/triage/" + rule.get("rule_id").asString(), null, 200).get("active").asBoolean()).isFalse();
        CLOCK.set(Instant.parse("2026-11-29T10:00:00Z"));
    }

    @Test
    void aDeletedRuleCountsAgainAndEveryChangeIsAudited() {
        UUID scan = scanWith(new String[][] {{"scoutsuite", "ec2-open-ssh", "high", "sg-123"}});
        String fingerprint = jdbc.sql("select fingerprint from findings where scan_id = :id").param("id", scan).query(String.class).single();
        JsonNode rule = call("POST", "/api/triage", "{\"fingerprint\": \"" + fingerprint + "\", \"state\": \"muted\", \"reason\": \"ticket SEC-12\"}", 201);
        assertThat(call("GET", "/api/scans/" + scan + "/status", null, 200).at("/findings/high").asInt()).isZero();

        call("DELETE", "/api/triage/" + rule.get("rule_id").asString(), null, 204);
        assertThat(call("GET", "/api/scans/" + scan + "/status", null, 200).at("/findings/high").asInt()).isEqualTo(1);
        String id = rule.get("rule_id").asString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(jdbc.sql("select detail ->> 'reason' from audit_log where detail ->> 'created_triage_rule' = :id")
                    .param("id", id).query(String.class).list()).containsExactly("ticket SEC-12");
            assertThat(jdbc.sql("select detail -> 'rule' ->> 'fingerprint' from audit_log where detail ->> 'deleted_triage_rule' = :id")
                    .param("id", id).query(String.class).list()).as("what counts again").containsExactly(fingerprint);
        });
    }

    @Test
    void whatCannotBeARuleIsRefusedNamingTheField() {
        assertThat(call("POST", "/api/triage", "{\"state\": \"muted\", \"reason\": \"x\"}", 400).get("field").asString()).isEqualTo("fingerprint");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"state\": \"ignored\", \"reason\": \"x\"}", 400).get("field").asString())
                .isEqualTo("state");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"state\": \"muted\"}", 400).get("field").asString()).isEqualTo("reason");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"state\": \"muted\", \"reason\": \"x\", \"expires_at\": \"2020-01-01T00:00:00Z\"}", 422)
                .get("field").asString()).isEqualTo("expires_at");
        assertThat(call("POST", "/api/triage", "{\"fingerprint\": \"abc\", \"state\": \"muted\", \"reason\": \"x\"}", 400).get("field").asString())
                .isEqualTo("fingerprint");
        assertThat(call("DELETE", "/api/triage/" + UUID.randomUUID(), null, 404).get("error").asString()).isEqualTo("triage_rule_not_found");
    }

    @Test
    void oneRuleCannotSilenceEverythingAndARuleFromBeforeKeepsWorkingListedWithWhatItBreaks() {
        for (String unscoped : new String[] {"{\"account\": \"123456789012\"", "{\"tool\": \"prowler\"",
                "{\"resource\": \"*\"", "{\"tool\": \"prowler\", \"resource\": \"**\"", "{\"check_id\": \"s3_bucket_public\"",
                "{\"tool\": \"prowler\", \"resource\": \"*:*\"", "{\"tool\": \"prowler\", \"resource\": \"arn:*\""}) {
            JsonNode refused = call("POST", "/api/triage", unscoped + ", \"state\": \"muted\", \"reason\": \"x\"}", 422);
            assertThat(refused.get("error").asString()).as(unscoped).isEqualTo("triage_guardrail");
            assertThat(refused.get("message").asString()).contains("unscoped");
        }
        JsonNode forever = call("POST", "/api/triage", "{\"tool\": \"prowler\", \"check_id\": \"iam_root_mfa\", \"state\": \"accepted_risk\","
                + " \"reason\": \"x\"}", 422);
        assertThat(forever.get("field").asString()).isEqualTo("expires_at");
        assertThat(forever.get("message").asString()).contains("accepted_risk without expires_at");
        assertThat(call("POST", "/api/triage", "{\"tool\": \"prowler\", \"check_id\": \"iam_root_mfa\", \"state\": \"accepted_risk\","
                + " \"reason\": \"x\", \"expires_at\": \"2028-01-01T00:00:00Z\"}", 422).get("message").asString()).contains("365 days");

        // a rule made before the guardrails: every prowler finding, accepted forever
        UUID scan = scanWith(new String[][] {{"prowler", "iam_root_mfa", "high", "arn:aws:iam::123456789012:root"}});
        UUID legacy = UUID.randomUUID();
        jdbc.sql("""
                insert into triage_rules (id, tool, state, reason, created_by, created_at)
                values (:id, 'prowler', 'accepted_risk', 'old habit', 'ops', :now)
                """).param("id", legacy).param("now", OffsetDateTime.ofInstant(CLOCK.instant(), ZoneOffset.UTC)).update();
        try {
            assertThat(call("GET", "/api/scans/" + scan + "/status", null, 200).at("/findings/high").asInt()).as("it keeps working").isZero();
            JsonNode listed = call("GET", "/api/triage?violations=true", null, 200).get("rules");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("rule_id").asString()).isEqualTo(legacy.toString());
            assertThat(listed.get(0).get("violations").toString()).contains("unscoped").contains("accepted_risk without expires_at");
        } finally {
            jdbc.sql("delete from triage_rules where id = :id").param("id", legacy).update();
        }
    }

    @Test
    void activeRulesAreCappedWith409NamingTheSetting() {
        jdbc.sql("delete from triage_rules").update();
        for (int i = 0; i < 8; i++) {
            call("POST", "/api/triage", "{\"tool\": \"prowler\", \"check_id\": \"check_" + i + "\", \"state\": \"muted\", \"reason\": \"x\"}", 201);
        }
        JsonNode over = call("POST", "/api/triage", "{\"tool\": \"prowler\", \"check_id\": \"check_9\", \"state\": \"muted\", \"reason\": \"x\"}", 409);
        assertThat(over.get("message").asString()).contains("nubicustos.triage.max-active-rules");
        jdbc.sql("delete from triage_rules").update();
    }

    /** A settled scan with one step and the given failed findings: tool, check, severity, resource. */
    private UUID scanWith(String[][] findings) {
        UUID scan = UUID.randomUUID();
        UUID step = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("insert into scans (id, profile, aws_profile, status, source, created_at) values (:id, 'quick', 'default', 'completed', 'rest', :now)")
                .param("id", scan).param("now", now).update();
        jdbc.sql("insert into scan_steps (id, scan_id, tool, position, status, plan, queued_at) values (:id, :scan, 'prowler', 0, 'succeeded', '{}'::jsonb, :now)")
                .param("id", step).param("scan", scan).param("now", now).update();
        for (String[] f : findings) {
            jdbc.sql("""
                    insert into findings (scan_id, step_id, tool, check_id, severity, status, account, resource_id, fingerprint)
                    values (:scan, :step, :tool, :check, :severity, 'fail', '123456789012', :resource, encode(sha256(convert_to(:key, 'UTF8')), 'hex'))
                    """).param("scan", scan).param("key", scan + f[3]).param("step", step).param("tool", f[0]).param("check", f[1]).param("severity", f[2])
                    .param("resource", f[3]).update();
        }
        jdbc.sql("""
                update scans set findings_total = c.total, findings_critical = c.critical, findings_high = c.high
                  from (select count(*) as total, count(*) filter (where severity = 'critical') as critical,
                               count(*) filter (where severity = 'high') as high from findings where scan_id = :id) c
                 where id = :id
                """).param("id", scan).update();
        return scan;
    }

    private JsonNode call(String method, String path, String body, int expected) {
        RawHttp.Response response = RawHttp.send(port, method, path, body == null ? Map.of() : Map.of("Content-Type", "application/json"),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
    }
}
