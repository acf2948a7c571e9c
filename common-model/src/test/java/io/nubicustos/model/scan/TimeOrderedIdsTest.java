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

class TimeOrderedIdsTest {

    @Test
    void carriesVersionSevenTheVariantAndTheMillisecond() {
        Instant at = Instant.parse("2026-11-28T20:00:00.123Z");
        UUID id = TimeOrderedIds.next(Clock.fixed(at, ZoneOffset.UTC));

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(at.toEpochMilli());
    }

    @Test
    void laterMillisecondsSortLaterAsPostgresComparesThem() {
        SecureRandom random = new SecureRandom();
        // why: PostgreSQL orders uuid by its bytes, unsigned, which is the order of the strings' hex digits
        for (long ms = 1_700_000_000_000L; ms < 1_700_000_000_050L; ms++) {
            String earlier = TimeOrderedIds.at(ms, random).toString();
            String later = TimeOrderedIds.at(ms + 1, random).toString();
            assertThat(later).isGreaterThan(earlier);
        }
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-28T20:00:00Z"), ZoneOffset.UTC);
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(TimeOrderedIds.next(clock));
        }
        assertThat(ids).hasSize(10_000);
    }
}
