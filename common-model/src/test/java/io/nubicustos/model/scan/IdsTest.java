package io.nubicustos.model.scan;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void timeOrderedIdsCarryVersionSevenTheVariantAndTheMillisecond() {
        Instant at = Instant.parse("2026-11-28T20:00:00.123Z");
        UUID id = Ids.timeOrdered(Clock.fixed(at, ZoneOffset.UTC));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
    }

    @Test
    void laterMillisecondsSortLaterAsPostgresComparesThem() {
        SecureRandom random = new SecureRandom();
        // why: PostgreSQL orders uuid by its bytes, unsigned, which is the order of the strings' hex digits
        for (long ms = 1_700_000_000_000L; ms < 1_700_000_000_050L; ms++) {
            String earlier = Ids.timeOrderedAt(ms, random).toString();
            String later = Ids.timeOrderedAt(ms + 1, random).toString();
            assertThat(later).isGreaterThan(earlier);
        }
    }

    @Test
    void timeOrderedIdsOfOneMillisecondDiffer() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC);
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.timeOrdered(clock));
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void randomIdsAreVersionFourAndDifferInTheirFirstTwelveDigits() {
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = Ids.random();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            prefixes.add(id.toString().substring(0, 12));
        }
        assertThat(prefixes).hasSize(10_000);
    }
}
