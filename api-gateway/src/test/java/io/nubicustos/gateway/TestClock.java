package io.nubicustos.gateway;

import io.nubicustos.testsupport.SettableClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import java.time.Instant;

/**
 * The clock of a test's application context, moved by hand: {@code @Import(TestClock.class)}, then
 * {@link #CLOCK}{@code .set(...)} in the test's {@code @BeforeEach} (the instance is shared by every context
 * of the JVM, so each test class sets its own time).
 */
@TestConfiguration
public class TestClock {

    public static final SettableClock CLOCK = new SettableClock(Instant.parse("2026-11-29T10:00:00Z"));

    @Bean
    @Primary
    SettableClock settableClock() {
        return CLOCK;
    }
}
