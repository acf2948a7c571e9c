package io.nubicustos.standalone;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Triage against the whole system and the specification's CI/CD script (which fails a pipeline on critical
 * findings): the script fails on a scan with critical findings; once they are accepted as a risk it passes
 * (they are shown as triaged, not counted); once the acceptance expires it fails again.
 */
class TriageEndToEndTest {

    static Api api;

    @BeforeAll
    static void start() {
        RunningSystem.get();
        api = RunningSystem.api();
    }

    @Test
    void anAcceptedCriticalFindingStopsFailingTheCiCdScriptUntilItsAcceptanceExpires() throws Exception {
        StandInTools.prowler330Asff();

        Script first = runCiCdScript();
        assertThat(first.exitCode()).as(first.output()).isEqualTo(1);
        assertThat(first.output()).contains("Critical findings detected!");
        String scan = api.getJson("/api/scans?size=1").at("/scans/0/scan_id").asString();
        JsonNode criticals = api.getJson("/api/scans/" + scan + "/findings?severity=critical&size=500");
        Set<String> fingerprints = new LinkedHashSet<>();
        criticals.get("findings").forEach(f -> fingerprints.add(f.get("fingerprint").asString()));
        assertThat(fingerprints).isNotEmpty();

        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(80);
        List<String> rules = new ArrayList<>();
        for (String fingerprint : fingerprints) {
            var created = api.post("/api/triage", "{\"fingerprint\": \"" + fingerprint + "\", \"state\": \"accepted_risk\","
                    + " \"reason\": \"break-glass role, reviewed by the security team\", \"expires_at\": \"" + expires + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            rules.add(api.read(created.body()).get("rule_id").asString());
        }
        JsonNode status = api.getJson("/api/scans/" + scan + "/status");
        assertThat(status.at("/findings/critical").asInt()).as("accepted, so not counted").isZero();
        assertThat(status.at("/findings/triaged").asInt()).isEqualTo(criticals.get("total").asInt());
        JsonNode triaged = api.getJson("/api/scans/" + scan + "/findings?status=triaged&size=500");
        assertThat(triaged.get("total").asInt()).as("still visible").isEqualTo(criticals.get("total").asInt());
        assertThat(triaged.at("/findings/0/triage/state").asString()).isEqualTo("accepted_risk");
        assertThat(api.getJson("/api/scans/" + scan + "/findings?severity=critical").get("total").asInt())
                .as("fail lists what the counts count").isZero();

        Script second = runCiCdScript();
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains(": completed, critical=0");

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> OffsetDateTime.now(ZoneOffset.UTC).isAfter(expires.plusSeconds(1)));
        assertThat(api.getJson("/api/triage/" + rules.get(0)).get("active").asBoolean()).isFalse();
        assertThat(api.getJson("/api/scans/" + scan + "/status").at("/findings/critical").asInt()).as("counted again")
                .isEqualTo(criticals.get("total").asInt());
        Script third = runCiCdScript();
        assertThat(third.exitCode()).as(third.output()).isEqualTo(1);
        assertThat(third.output()).contains("Critical findings detected!");
    }

    private record Script(int exitCode, String output) {
    }

    private static Script runCiCdScript() throws Exception {
        Process process = new ProcessBuilder("bash", "-c", Files.readString(Path.of("../images/spec-ci-cd.sh")))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the script stops").isTrue();
        return new Script(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
