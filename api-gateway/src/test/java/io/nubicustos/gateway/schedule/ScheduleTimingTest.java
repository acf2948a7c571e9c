package io.nubicustos.gateway.schedule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTimingTest {

    @Test
    void aCronFiresAtItsNextMinuteInItsTimeZone() {
        ScheduleTiming daily = ScheduleTiming.cron("30 2 * * *", "Europe/Paris");
        // 02:30 in Paris on 2026-11-29 is 01:30 UTC (winter time)
        assertThat(daily.nextAfter(Instant.parse("2026-11-29T00:00:00Z"))).isEqualTo(Instant.parse("2026-11-29T01:30:00Z"));
        assertThat(daily.nextAfter(Instant.parse("2026-11-29T01:30:00Z"))).as("strictly after").isEqualTo(Instant.parse("2026-11-30T01:30:00Z"));
        assertThat(ScheduleTiming.cron("@hourly", null).nextAfter(Instant.parse("2026-11-29T10:15:00Z")))
                .isEqualTo(Instant.parse("2026-11-29T11:00:00Z"));
    }

    @Test
    void withBothDayFieldsRestrictedADayMatchingEitherIsDueAsInUnixCron() {
        // the first of the month and every Monday; 2026-11-29 is a Sunday
        ScheduleTiming timing = ScheduleTiming.cron("0 9 1 * MON", "UTC");
        assertThat(timing.nextAfter(Instant.parse("2026-11-29T10:00:00Z"))).as("a Monday").isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
        assertThat(timing.nextAfter(Instant.parse("2026-11-30T09:00:00Z"))).as("the first").isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        assertThat(timing.nextAfter(Instant.parse("2026-12-01T09:00:00Z"))).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
        // one restricted day field keeps its plain meaning
        assertThat(ScheduleTiming.cron("0 9 * * MON", "UTC").nextAfter(Instant.parse("2026-11-30T09:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
        assertThat(ScheduleTiming.cron("0 9 1 * *", "UTC").nextAfter(Instant.parse("2026-11-29T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    }

    @Test
    void afterDowntimeOnlyTheNextSlotAfterNowIsDue() {
        ScheduleTiming everyMinute = ScheduleTiming.cron("* * * * *", "UTC");
        assertThat(everyMinute.nextAfter(Instant.parse("2026-11-29T10:47:12Z"))).isEqualTo(Instant.parse("2026-11-29T10:48:00Z"));
        ScheduleTiming interval = ScheduleTiming.every(Duration.ofMinutes(15), Duration.ofMinutes(1), Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(interval.nextAfter(Instant.parse("2026-11-29T09:00:00Z"))).as("before its anchor").isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
        assertThat(interval.nextAfter(Instant.parse("2026-11-29T10:00:00Z"))).isEqualTo(Instant.parse("2026-11-29T10:15:00Z"));
        assertThat(interval.nextAfter(Instant.parse("2026-11-29T13:07:00Z"))).as("missed slots are not replayed")
                .isEqualTo(Instant.parse("2026-11-29T13:15:00Z"));
    }

    @Test
    void whatCannotBeAScheduleIsRefusedNamingTheField() {
        assertThatThrownBy(() -> ScheduleTiming.cron("*/5 * * * * *", "UTC")).isInstanceOf(InvalidSchedule.class)
                .hasMessageContaining("five fields").extracting(e -> ((InvalidSchedule) e).field()).isEqualTo("cron");
        assertThatThrownBy(() -> ScheduleTiming.cron("61 * * * *", "UTC")).hasMessageContaining("not valid");
        assertThatThrownBy(() -> ScheduleTiming.cron("* * * * *", "Mars/Olympus")).extracting(e -> ((InvalidSchedule) e).field())
                .isEqualTo("time_zone");
        assertThatThrownBy(() -> ScheduleTiming.every(Duration.ofSeconds(5), Duration.ofMinutes(1), Instant.EPOCH))
                .hasMessageContaining("at least 1 minute");
        assertThatThrownBy(() -> ScheduleTiming.cron("0 0 30 2 *", "UTC").nextAfter(Instant.EPOCH)).hasMessageContaining("never fires");
    }

    @Test
    void theShortestGapOfACronIsFoundWhereverItIs() {
        Instant now = Instant.parse("2026-11-29T10:47:12Z");

        assertThat(ScheduleTiming.cron("* 3 * * *", "UTC").shortestGap(now)).as("every minute of one hour").isEqualTo(Duration.ofMinutes(1));
        assertThat(ScheduleTiming.cron("*/10 * * * *", "UTC").shortestGap(now)).isEqualTo(Duration.ofMinutes(10));
        assertThat(ScheduleTiming.cron("0 3 * * *", "UTC").shortestGap(now)).isEqualTo(Duration.ofDays(1));
        assertThat(ScheduleTiming.cron("0 3,4 * * *", "UTC").shortestGap(now)).isEqualTo(Duration.ofHours(1));
    }
}
