package io.nubicustos.support.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void itDoublesFromTheFirstWaitUpToItsLongest() {
        Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(backoff.after(Integer.MAX_VALUE)).as("no overflow").isEqualTo(Duration.ofMinutes(1));
        assertThat(Backoff.doubling(Duration.ofSeconds(1)).after(1000)).isEqualTo(Duration.ofSeconds(1L << 20));
    }

    @Test
    void anySettingIsTakenAndNeverThrows() {
        assertThat(new Backoff(Duration.ZERO, Duration.ofSeconds(1)).after(5)).as("no wait at all").isZero();
        assertThat(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)).after(1)).as("the longest wait caps the first")
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.doubling(Duration.ZERO).after(3)).isZero();
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).after(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(-1)).after(2)).isZero();
    }
}
