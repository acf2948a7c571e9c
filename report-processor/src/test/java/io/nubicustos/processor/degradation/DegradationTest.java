package io.nubicustos.processor.degradation;

import io.nubicustos.processor.system.ProcessorProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DegradationTest {

    static final ProcessorProperties.Degraded HALF = new ProcessorProperties.Degraded(0.5, 20, 10);

    static Map<String, Long> coverage(long results, long checks, long resources, long regions, long denied, long throttled) {
        return Map.of("results", results, "passes", results / 2, "checks", checks, "resources", resources, "regions", regions,
                "access_denied_lines", denied, "throttling_lines", throttled);
    }

    @Test
    void aToolThatSawATenthOfItsResultsIsDegradedSayingByHowMuch() {
        assertThat(Degradation.reasons(coverage(731, 101, 81, 17, 0, 0), coverage(73, 60, 50, 12, 0, 0), HALF))
                .containsExactly("results fell to 73 from 731 (10.0% of the baseline; the threshold is 50.0%)");
    }

    @Test
    void anEmptyReportWhereThereWereThousandsOfResultsSaysSo() {
        assertThat(Degradation.reasons(coverage(4000, 300, 900, 17, 0, 0), coverage(0, 0, 0, 0, 0, 0), HALF))
                .first().isEqualTo("an empty report: 0 results where the baseline had 4000");
        assertThat(Degradation.reasons(coverage(4000, 300, 900, 17, 0, 0), coverage(0, 0, 0, 0, 0, 0), HALF)).hasSize(4);
    }

    @Test
    void lostRegionsAndAccessDeniedLinesAreReasonsEvenWhenTheResultsHold() {
        assertThat(Degradation.reasons(coverage(500, 100, 80, 17, 2, 0), coverage(480, 100, 80, 1, 40, 0), HALF))
                .containsExactly("regions fell to 1 from 17 (5.9% of the baseline; the threshold is 50.0%)",
                        "40 access-denied line(s) in its log, 2 in the baseline's");
    }

    @Test
    void smallChangesSmallBaselinesAndAFewDeniedLinesAreNotDegradation() {
        assertThat(Degradation.reasons(coverage(731, 101, 81, 17, 0, 0), coverage(400, 90, 70, 17, 0, 0), HALF)).isEmpty();
        assertThat(Degradation.reasons(coverage(10, 5, 5, 2, 0, 0), coverage(0, 0, 0, 0, 0, 0), HALF)).as("too small to judge").isEmpty();
        assertThat(Degradation.reasons(coverage(731, 101, 81, 17, 0, 0), coverage(731, 101, 81, 17, 9, 0), HALF)).isEmpty();
        assertThat(Degradation.reasons(coverage(731, 101, 81, 17, 30, 20), coverage(731, 101, 81, 17, 50, 40), HALF))
                .as("no more than twice the baseline's").isEmpty();
    }

    @Test
    void throttlingIsNamed() {
        assertThat(Degradation.reasons(coverage(731, 101, 81, 17, 0, 0), coverage(731, 101, 81, 17, 0, 25), HALF))
                .containsExactly("25 throttling line(s) in its log, 0 in the baseline's");
    }

    @Test
    void aToolThatReportsFailuresOnlyIsNotDegradedForFixingThemUnlessItsReportIsEmpty() {
        Map<String, Long> before = Map.of("results", 400L, "passes", 0L, "checks", 50L, "resources", 300L, "regions", 10L);
        assertThat(Degradation.reasons(before, Map.of("results", 40L, "passes", 0L, "checks", 5L, "resources", 30L, "regions", 1L), HALF))
                .as("fewer failures: fixed, not unseen").isEmpty();
        assertThat(Degradation.reasons(before, Map.of("results", 0L, "passes", 0L), HALF))
                .containsExactly("an empty report: 0 results where the baseline had 400");
    }
}
