package io.nubicustos.processor.processing;

import io.nubicustos.processor.report.ReportParser;
import io.nubicustos.processor.report.prowler.ProwlerOcsfParser;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The parser for each report format of the catalog. */
@Component
public class ReportParsers {

    private final Map<String, ReportParser> byFormat;

    public ReportParsers() {
        this(List.of(new ProwlerOcsfParser()));
    }

    ReportParsers(List<ReportParser> parsers) {
        this.byFormat = parsers.stream().collect(Collectors.toUnmodifiableMap(ReportParser::format, Function.identity()));
    }

    public Optional<ReportParser> forFormat(String format) {
        return Optional.ofNullable(byFormat.get(format));
    }
}
