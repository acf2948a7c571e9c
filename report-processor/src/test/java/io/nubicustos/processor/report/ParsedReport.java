package io.nubicustos.processor.report;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.testsupport.Samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A parser's output for one report directory, with the counts fixture tests pin. */
public record ParsedReport(List<Finding> findings, String summary) {

    public static ParsedReport of(ReportParser parser, Path dir) throws ReportException {
        List<Finding> findings = new ArrayList<>();
        String summary = parser.parse(dir, findings::add);
        return new ParsedReport(findings, summary);
    }

    /** Copies a real sample into {@code dir} under {@code name} (which may contain folders). */
    public static void sample(String sample, Path dir, String name) {
        try {
            Path target = dir.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(Samples.file(sample), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<Severity, Long> severities(FindingStatus status) {
        Map<Severity, Long> counts = new EnumMap<>(Severity.class);
        findings.stream().filter(f -> f.status() == status).forEach(f -> counts.merge(f.severity(), 1L, Long::sum));
        return counts;
    }

    public long count(FindingStatus status) {
        return findings.stream().filter(f -> f.status() == status).count();
    }
}
