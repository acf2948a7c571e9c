package io.nubicustos.gateway.control;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Requirement ids come from the tools' reports: their order must be a total one, whatever they are. */
class ComplianceOrderTest {

    @Test
    void dottedNumbersInTheirOrderAndWordsAfterNumbers() {
        List<String> ids = new ArrayList<>(List.of("1.10", "1.2", "2.1.5", "1.1", "C-0030", "C-0002", "10", "9", "1a"));
        ids.sort(Compliance::naturally);
        assertThat(ids).containsExactly("1.1", "1.2", "1.10", "2.1.5", "9", "10", "1a", "C-0002", "C-0030");
    }

    @Test
    void aCycleOfNumbersAndWordsCannotBeMade() {
        // 9 < 10 by number, "10" < "1a" and "1a" < "9" would be a cycle if words and numbers compared as text
        assertThat(Compliance.naturally("9", "10")).isNegative();
        assertThat(Compliance.naturally("10", "1a")).isNegative();
        assertThat(Compliance.naturally("9", "1a")).isNegative();
        Random random = new Random(24);
        String[] parts = {"0", "1", "01", "9", "10", "99999999999999999999", "a", "A", "1a", "", "-", "."};
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ids.add(parts[random.nextInt(parts.length)] + (random.nextBoolean() ? "." : "-") + parts[random.nextInt(parts.length)]);
        }
        Collections.shuffle(ids, random);
        ids.sort(Compliance::naturally);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Compliance.naturally(ids.get(i - 1), ids.get(i))).isLessThanOrEqualTo(0);
        }
    }
}
