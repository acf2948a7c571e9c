package io.nubicustos.gateway.intake;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which CloudEvents sources may request scans on the topic, and a bare body when some are named. */
class IntakeSourcesTest {

    @Test
    void onlyTheNamedSourcesOrPrefixesMayRequestScansAndABareBodyNamesNone() {
        IntakeSources sources = new IntakeSources(List.of("urn:ci:github", "https://ci.example.com/*"), 600, Clock.systemUTC());

        assertThat(sources.refusal("urn:ci:github")).isNull();
        assertThat(sources.refusal("https://ci.example.com/pipelines/7")).isNull();
        assertThat(sources.refusal("urn:ci:github-fork")).contains("is not allowed");
        assertThat(sources.refusal("https://ci.example.com.evil.net/x")).contains("is not allowed");
        assertThat(sources.refusal(null)).contains("a bare request body names no source");
    }

    @Test
    void withNoneNamedEverySourceAndBareBodiesAreAccepted() {
        IntakeSources sources = new IntakeSources(List.of(), 600, Clock.systemUTC());

        assertThat(sources.refusal("anything")).isNull();
        assertThat(sources.refusal(null)).isNull();
    }
}
