package io.nubicustos.processor.findings;

import io.nubicustos.processor.report.ReportParser;
import io.nubicustos.processor.report.cloudfox.CloudFoxParser;
import io.nubicustos.processor.report.cloudmapper.CloudMapperParser;
import io.nubicustos.processor.report.cloudsploit.CloudSploitParser;
import io.nubicustos.processor.report.custodian.CustodianParser;
import io.nubicustos.processor.report.inventory.InventoryParser;
import io.nubicustos.processor.report.kubescape.KubescapeParser;
import io.nubicustos.processor.report.ocsf.OcsfParser;
import io.nubicustos.processor.report.prowler.ProwlerParser;
import io.nubicustos.processor.report.sarif.SarifParser;
import io.nubicustos.processor.report.scoutsuite.ScoutSuiteParser;

import java.util.ArrayList;
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
        this(all());
    }

    ReportParsers(List<ReportParser> parsers) {
        this.byFormat = parsers.stream().collect(Collectors.toUnmodifiableMap(ReportParser::format, Function.identity()));
    }

    private static List<ReportParser> all() {
        List<ReportParser> parsers = new ArrayList<>(List.of(new ProwlerParser(), new ScoutSuiteParser(), new CloudSploitParser(),
                new KubescapeParser(), new CustodianParser(), new CloudMapperParser(), new CloudFoxParser(),
                // why: generic formats, so an operator adds a tool that writes them with a catalog entry and no code
                new SarifParser(), new OcsfParser()));
        parsers.addAll(InventoryParser.all());
        return parsers;
    }

    public Optional<ReportParser> forFormat(String format) {
        return Optional.ofNullable(byFormat.get(format));
    }
}
