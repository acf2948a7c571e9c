package io.nubicustos.standalone;

import io.nubicustos.model.messaging.Topics;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An organization scanned on the shared system: 25 accounts imported from what {@code aws organizations list-accounts}
 * prints (reached by assuming a role from the security account's profile) and 25 reached through profiles of their own,
 * one campaign of the quick profile over the 50 (stand-ins that write Prowler 5's real example report): 50 child scans,
 * the sums, the per-account table, the checks across accounts, the staged assumed-role profile as the tool saw it (and no
 * key in its environment), a throttled account's budget halved; then a second campaign after one account's report
 * worsened names that account in "what changed"; a third is cancelled with its children.
 */
class CampaignEndToEndTest {

    static final int EACH = 25;
    static final String SUSPENDED = "219999999999";
    static final String THROTTLED_PROFILE = "campaign-02";
    static Api api;

    static String roleAccount(int i) {
        return "2100000000%02d".formatted(i);
    }

    static String profileAccount(int i) {
        return "3100000000%02d".formatted(i);
    }

    static String profileOf(int i) {
        return "campaign-%02d".formatted(i);
    }

    /** The credentials file's profiles of the accounts reached through a profile of their own. */
    static String profiles() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= EACH; i++) {
            text.append('[').append(profileOf(i)).append("]\naws_access_key_id = AKIACAMPAIGN").append(i)
                    .append("\naws_secret_access_key = campaign-secret-").append(i).append('\n');
        }
        return text.toString();
    }

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
        prowlerStandIn(null);
    }

    /**
     * Prowler 5's real example report, exit 3; the step's log shows the container's environment and the staged config file,
     * and one account's log a throttling line; {@code worse}: the account whose scan writes Prowler 3.3's real ASFF report
     * (critical failures among 290 results) instead.
     */
    static void prowlerStandIn(String worseProfile) {
        StandInImage image = StandInImage.forTool("prowler")
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .alsoRuns("""
                        $B env | $B sort >&2
                        $B echo "--- staged config $AWS_CONFIG_FILE" >&2
                        $B cat "$AWS_CONFIG_FILE" >&2
                        if [ "$AWS_PROFILE" = '%s' ]; then $B echo 'botocore.exceptions.ClientError: An error occurred (Throttling) when calling the GetAccountSummary operation (reached max retries: 4): Rate exceeded' >&2; fi
                        """.formatted(THROTTLED_PROFILE))
                .exitsWith(3);
        if (worseProfile != null) {
            image.writesInsteadFor(worseProfile, "prowler-output-123456789012.asff.json", Samples.file("prowler/prowler330_output.asff.json"));
        }
        image.buildWith(StandInTools.DOCKER);
    }

    @Test
    void aCampaignOverFiftyAccountsSettlesWithTheirScansAndASecondOneShowsWhatChanged() {
        registerAccounts();
        List<String> selection = new ArrayList<>();
        IntStream.rangeClosed(1, EACH).forEach(i -> selection.add(roleAccount(i)));
        IntStream.rangeClosed(1, EACH).forEach(i -> selection.add(profileAccount(i)));
        selection.add(SUSPENDED);
        String body = "{\"profile\": \"quick\", \"accounts\": " + json(selection) + "}";

        HttpResponse<String> accepted = api.post("/api/campaigns", body);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode created = api.read(accepted.body());
        String first = created.get("campaign_id").asString();
        assertThat(created.get("scans")).hasSize(2 * EACH);
        assertThat(created.get("skipped")).singleElement().satisfies(skipped -> {
            assertThat(skipped.get("account_id").asString()).isEqualTo(SUSPENDED);
            assertThat(skipped.get("reason").asString()).contains("SUSPENDED");
        });

        JsonNode settled = awaitSettled(first);
        assertThat(settled.get("status").asString()).as(settled.toString()).isEqualTo("completed");
        assertThat(settled.get("progress").get("total").asInt()).isEqualTo(2 * EACH);
        assertThat(settled.get("progress").get("settled").asInt()).isEqualTo(2 * EACH);
        assertThat(settled.get("progress").get("completed").asInt()).isEqualTo(2 * EACH);
        // Prowler 5's example: FAIL 1 medium and 1 low per account
        assertThat(settled.get("findings").get("total").asLong()).isEqualTo(2L * 2 * EACH);
        assertThat(settled.get("findings").get("medium").asLong()).isEqualTo(2L * EACH);
        assertThat(settled.get("findings").get("low").asLong()).isEqualTo(2L * EACH);
        assertThat(settled.get("scans")).hasSize(2 * EACH).allSatisfy(row -> {
            assertThat(row.get("status").asString()).isEqualTo("completed");
            assertThat(row.get("findings").get("total").asLong()).isEqualTo(2);
            assertThat(row.get("degraded").asBoolean()).isFalse();
            assertThat(row.get("duration_seconds").isNumber()).as(row.toString()).isTrue();
        });
        assertThat(settled.get("changes").get("previous_campaign_id").isNull()).isTrue();

        // every child is a normal scan
        String roleScan = scanOf(settled, roleAccount(7));
        assertThat(api.getJson("/api/scans/" + roleScan + "/status").get("status").asString()).isEqualTo("completed");
        String log = api.get("/api/scans/" + roleScan + "/steps/prowler/logs").body();
        assertThat(log).contains("AWS_PROFILE=nubicustos-account-" + roleAccount(7), "AWS_SDK_LOAD_CONFIG=1",
                "[profile nubicustos-account-" + roleAccount(7) + "]",
                "role_arn = arn:aws:iam::" + roleAccount(7) + ":role/NubicustosAudit", "source_profile = security",
                "external_id = e2e-external-id", "role_session_name = nubicustos-" + roleScan, "duration_seconds = 1800");
        assertThat(log).as("no key in the container's environment").doesNotContain("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AKIAEXAMPLESECURITY", "security-account-secret");
        String profileScan = scanOf(settled, profileAccount(3));
        assertThat(api.get("/api/scans/" + profileScan + "/steps/prowler/logs").body()).contains("AWS_PROFILE=" + profileOf(3))
                .doesNotContain("AWS_ACCESS_KEY_ID", "role_arn");

        JsonNode checks = api.getJson("/api/campaigns/" + first + "/checks");
        assertThat(checks.get("checks")).isNotEmpty();
        assertThat(checks.get("checks").get(0).get("accounts_failing").asInt()).isEqualTo(2 * EACH);
        assertThat(checks.get("checks").get(0).get("accounts")).hasSize(2 * EACH);

        JsonNode throttled = api.getJson("/api/accounts/" + profileAccount(2));
        assertThat(throttled.has("api_budget")).as(throttled.toString()).isTrue();
        assertThat(throttled.get("api_budget").get("current").asDouble()).as(throttled.toString())
                .isLessThan(throttled.get("api_budget").get("default").asDouble());
        assertThat(throttled.get("api_budget").get("throttled_steps").asLong()).isEqualTo(1);

        // one account's report worsens; the same selection again
        String worse = roleAccount(11);
        prowlerStandIn("nubicustos-account-" + worse);
        try {
            String second = api.read(api.post("/api/campaigns", body).body()).get("campaign_id").asString();
            JsonNode again = awaitSettled(second);
            JsonNode changes = again.get("changes");
            assertThat(changes.get("previous_campaign_id").asString()).isEqualTo(first);
            assertThat(changes.get("worse")).singleElement().satisfies(change -> {
                assertThat(change.get("account_id").asString()).isEqualTo(worse);
                assertThat(change.get("after").get("critical").asLong()).isGreaterThan(change.get("before").get("critical").asLong());
            });
            assertThat(changes.get("new")).isEmpty();
            assertThat(changes.get("gone")).isEmpty();
            assertThat(again.get("findings").get("total").asLong()).isGreaterThan(settled.get("findings").get("total").asLong());

            try (KafkaConsumer<String, String> events = RunningSystem.consumerFromStart(List.of(Topics.SCAN_EVENTS))) {
                List<JsonNode> campaignEvents = new ArrayList<>();
                io.nubicustos.testsupport.AsyncApiContract contract = io.nubicustos.testsupport.AsyncApiContract.load(EventsEndToEndTest.DOCUMENT);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(500))) {
                        JsonNode event = api.read(record.value());
                        if (event.path("type").asString().startsWith("io.nubicustos.campaign.")) {
                            assertThat(contract.violations(Topics.SCAN_EVENTS, record.value())).as("by docs/api/asyncapi.json").isEmpty();
                            campaignEvents.add(event);
                        }
                    }
                    return campaignEvents.stream().map(e -> e.get("subject").asString()).toList().containsAll(List.of(first, second));
                });
                assertThat(campaignEvents).filteredOn(e -> e.get("subject").asString().equals(first)).singleElement().satisfies(e -> {
                    assertThat(e.get("type").asString()).isEqualTo("io.nubicustos.campaign.completed");
                    assertThat(e.get("data").get("accounts").get("total").asInt()).isEqualTo(2 * EACH);
                    assertThat(e.get("data").get("findings").get("total").asLong()).isEqualTo(2L * 2 * EACH);
                });
            }
        } finally {
            prowlerStandIn(null);
        }
    }

    @Test
    void cancellingACampaignCancelsItsChildren() {
        registerAccounts();
        StandInImage.forTool("prowler").runsFor(30)
                .writes("prowler-output-123456789012-20250101000000.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .exitsWith(3).buildWith(StandInTools.DOCKER);
        try {
            JsonNode created = api.read(api.post("/api/campaigns", "{\"profile\": \"quick\", \"accounts\": [\"" + roleAccount(20) + "\", \""
                    + profileAccount(20) + "\"]}").body());
            String campaign = created.get("campaign_id").asString();
            HttpResponse<String> cancelled = api.post("/api/campaigns/" + campaign + "/cancel", "");
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            JsonNode detail = api.getJson("/api/campaigns/" + campaign);
            assertThat(detail.get("status").asString()).isEqualTo("cancelled");
            assertThat(detail.get("scans")).hasSize(2).allSatisfy(row -> assertThat(row.get("status").asString()).isEqualTo("cancelled"));
            assertThat(api.post("/api/campaigns/" + campaign + "/cancel", "").statusCode()).isEqualTo(409);
            try (KafkaConsumer<String, String> events = RunningSystem.consumerFromStart(List.of(Topics.SCAN_EVENTS))) {
                io.nubicustos.testsupport.AsyncApiContract contract = io.nubicustos.testsupport.AsyncApiContract.load(EventsEndToEndTest.DOCUMENT);
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(500))) {
                        JsonNode event = api.read(record.value());
                        if (campaign.equals(event.path("subject").asString())) {
                            assertThat(event.get("type").asString()).isEqualTo("io.nubicustos.campaign.cancelled");
                            assertThat(event.get("data").get("accounts").get("cancelled").asInt()).isEqualTo(2);
                            assertThat(contract.violations(Topics.SCAN_EVENTS, record.value())).isEmpty();
                            return true;
                        }
                    }
                    return false;
                });
            }
        } finally {
            prowlerStandIn(null);
        }
    }

    /** A pipeline asks over Kafka: a CloudEvent of type io.nubicustos.campaign.requested; delivered twice, one campaign. */
    @Test
    void aCampaignRequestedOverKafkaIsCreatedOnceAndAMalformedOneIsDeadLettered() throws Exception {
        registerAccounts();
        String event = "{\"specversion\": \"1.0\", \"id\": \"campaign-request-1\", \"source\": \"/e2e/campaigns\","
                + " \"type\": \"io.nubicustos.campaign.requested\", \"data\": {\"profile\": \"quick\", \"accounts\": [\""
                + roleAccount(22) + "\", \"" + profileAccount(22) + "\"]}}";
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers",
                "localhost:" + RunningSystem.kafkaPort(), "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName()))) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SCAN_REQUESTS, "c1", event)).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SCAN_REQUESTS, "c1", event)).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.SCAN_REQUESTS, "c2",
                    "{\"profile\": \"quick\", \"accounts\": [\"12\"]}")).get();
        }
        List<String> selection = List.of(roleAccount(22), profileAccount(22));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> campaignsOf(selection).size() == 1);
        String campaign = campaignsOf(selection).get(0);
        JsonNode settled = awaitSettled(campaign);
        assertThat(settled.get("scans")).hasSize(2);
        assertThat(settled.get("status").asString()).isEqualTo("completed");
        try (KafkaConsumer<String, String> dead = RunningSystem.consumerFromStart(List.of(Topics.SCAN_REQUESTS + ".dlt"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : dead.poll(Duration.ofMillis(500))) {
                    if ("c2".equals(record.key())) {
                        return true;
                    }
                }
                return false;
            });
        }
        assertThat(campaignsOf(selection)).as("the redelivered request created nothing new").hasSize(1);
    }

    private static List<String> campaignsOf(List<String> accounts) {
        List<String> found = new ArrayList<>();
        for (JsonNode campaign : api.getJson("/api/campaigns?limit=500").get("campaigns")) {
            if (campaign.get("accounts").isArray() && campaign.get("accounts").size() == accounts.size()) {
                List<String> ids = new ArrayList<>();
                campaign.get("accounts").forEach(id -> ids.add(id.asString()));
                if (ids.containsAll(accounts)) {
                    found.add(campaign.get("campaign_id").asString());
                }
            }
        }
        return found;
    }

    @Test
    void malformedAccountsAndCampaignsAreRefusedPrecisely() {
        assertThat(api.post("/api/accounts", "{\"account_id\": \"12345\", \"profile\": \"default\"}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/accounts", "{\"account_id\": \"123456789012\"}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/accounts", "{\"account_id\": \"123456789012\", \"role_arn\": \"arn:aws:iam::999999999999:role/x\","
                + " \"source_profile\": \"security\"}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/accounts", "{\"account_id\": \"123456789012\", \"role_name\": \"x\", \"source_profile\": \"security\","
                + " \"external_id\": \"a\\nb\"}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/accounts/import?source_profile=security", "{\"Accounts\": [{\"Id\": \"1\"}]}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/accounts/import?source_profile=security", "[]").statusCode()).isEqualTo(400);
        assertThat(api.post("/api/campaigns", "{\"profile\": \"quick\", \"accounts\": \"some\"}").statusCode()).isEqualTo(400);
        assertThat(api.post("/api/campaigns", "{\"profile\": \"quick\", \"accounts\": [\"999999999998\"]}").statusCode()).isEqualTo(422);
        assertThat(api.post("/api/campaigns", "{\"profile\": \"quick\", \"aws_profile\": \"default\", \"accounts\": \"all\"}").statusCode())
                .isEqualTo(400);
        assertThat(api.get("/api/campaigns/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
        assertThat(api.get("/api/accounts/12").statusCode()).isEqualTo(400);
    }

    /** Idempotent: the import and the PUTs write the same accounts each time. */
    static void registerAccounts() {
        StringBuilder organization = new StringBuilder("{\"Accounts\": [");
        for (int i = 1; i <= EACH; i++) {
            organization.append("{\"Id\": \"").append(roleAccount(i)).append("\", \"Arn\": \"arn:aws:organizations::111111111111:account/o-e2e/")
                    .append(roleAccount(i)).append("\", \"Email\": \"team").append(i).append("@example.com\", \"Name\": \"team-").append(i)
                    .append("\", \"Status\": \"ACTIVE\", \"State\": \"ACTIVE\", \"JoinedMethod\": \"CREATED\", \"JoinedTimestamp\": \"2024-01-0")
                    .append(1 + i % 9).append("T10:00:00.000000+00:00\"},");
        }
        organization.append("{\"Id\": \"").append(SUSPENDED).append("\", \"Name\": \"closed-team\", \"Email\": \"closed@example.com\",")
                .append(" \"Status\": \"SUSPENDED\", \"State\": \"SUSPENDED\"}]}");
        HttpResponse<String> imported = api.post("/api/accounts/import?source_profile=security&role_name=NubicustosAudit"
                + "&external_id=e2e-external-id&session_duration=1800", organization.toString());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        assertThat(api.read(imported.body()).get("skipped")).singleElement()
                .satisfies(s -> assertThat(s.get("reason").asString()).contains("SUSPENDED"));
        // a suspended account known before the import takes the organization's state
        assertThat(api.put("/api/accounts/" + SUSPENDED, "{\"role_name\": \"NubicustosAudit\", \"source_profile\": \"security\"}").statusCode())
                .isEqualTo(200);
        api.post("/api/accounts/import?source_profile=security&role_name=NubicustosAudit&external_id=e2e-external-id&session_duration=1800",
                organization.toString());
        for (int i = 1; i <= EACH; i++) {
            HttpResponse<String> put = api.put("/api/accounts/" + profileAccount(i), "{\"name\": \"lab-" + i + "\", \"profile\": \""
                    + profileOf(i) + "\", \"tags\": {\"team\": \"lab\"}}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
    }

    private static JsonNode awaitSettled(String campaign) {
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !"running".equals(api.getJson("/api/campaigns/" + campaign).get("status").asString()));
        return api.getJson("/api/campaigns/" + campaign);
    }

    private static String scanOf(JsonNode campaign, String account) {
        for (JsonNode row : campaign.get("scans")) {
            if (row.get("account_id").asString().equals(account)) {
                return row.get("scan_id").asString();
            }
        }
        throw new AssertionError("no scan of account " + account + " in " + campaign);
    }

    private static String json(List<String> ids) {
        return ids.stream().map(id -> "\"" + id + "\"").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
