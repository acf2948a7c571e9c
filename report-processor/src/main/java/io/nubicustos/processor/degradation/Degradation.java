package io.nubicustos.processor.degradation;

import io.nubicustos.processor.system.ProcessorProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether one tool saw far less than it did in the baseline scan, and says how, from the two coverages
 * {@link StepCoverage} stored: fewer results, checks, resources or regions than {@code ratio} of the baseline's (a
 * baseline of fewer than {@code minResults} results is too small to judge), or many more access-denied or throttling
 * lines in its log than before. Results, checks, resources and regions measure what was evaluated only for a tool
 * whose parser reports passing results (Prowler, CloudSploit); for the others they count failures, which fall when
 * findings are fixed, so only an empty report where the baseline had many is a reason.
 */
final class Degradation {

    private static final List<String> MEASURES = List.of("results", "checks", "resources", "regions");
    private static final Map<String, String> SIGNALS = Map.of("access_denied_lines", "access-denied", "throttling_lines", "throttling");

    private Degradation() {
    }

    static List<String> reasons(Map<String, Long> before, Map<String, Long> now, ProcessorProperties.Degraded settings) {
        List<String> reasons = new ArrayList<>();
        long baselineResults = before.getOrDefault("results", 0L);
        boolean measuresEvaluation = before.getOrDefault("passes", 0L) > 0;
        if (baselineResults >= settings.minResults() && !measuresEvaluation && now.getOrDefault("results", 0L) == 0) {
            // why: a tool that reports failures only may fix them all; an empty report where there were many is still suspect
            reasons.add("an empty report: 0 results where the baseline had " + baselineResults);
        }
        if (baselineResults >= settings.minResults() && measuresEvaluation) {
            for (String measure : MEASURES) {
                long was = before.getOrDefault(measure, 0L);
                long is = now.getOrDefault(measure, 0L);
                if (was > 0 && is < was * settings.ratio()) {
                    reasons.add(is == 0 && measure.equals("results")
                            ? "an empty report: 0 results where the baseline had " + was
                            : measure + " fell to " + is + " from " + was + " (" + percent(is, was) + " of the baseline; the threshold is "
                                    + percent(settings.ratio()) + ")");
                }
            }
        }
        for (Map.Entry<String, String> signal : SIGNALS.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            long was = before.getOrDefault(signal.getKey(), 0L);
            long is = now.getOrDefault(signal.getKey(), 0L);
            if (is >= settings.minSignalLines() && is > 2 * was) {
                reasons.add(is + " " + signal.getValue() + " line(s) in its log, " + was + " in the baseline's");
            }
        }
        return reasons;
    }

    private static String percent(long part, long whole) {
        return percent((double) part / whole);
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 1000) / 10.0 + "%";
    }
}
