package io.nubicustos.processor.report.prowler;

import io.nubicustos.model.finding.Finding;
import io.nubicustos.model.finding.FindingStatus;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.processor.report.DelimitedReader;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.LinkOption;
import java.time.Instant;

/**
 * Prowler's {@code ;}-delimited CSV (41 columns in 4.2.4, 42 in 5.x), read by header name, streamed.
 * STATUS PASS is dropped, FAIL is a finding, MANUAL needs review; MUTED {@code True} is suppressed.
 */
final class ProwlerCsvReader {

    private static final List<String> REQUIRED = List.of("CHECK_ID", "STATUS", "SEVERITY");

    private ProwlerCsvReader() {
    }

    static long read(Path file, FindingSink sink) throws ReportException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long count = 0;
        try (DelimitedReader csv = new DelimitedReader(new InputStreamReader(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), decoder), ';')) {
            List<String> header = csv.next();
            if (header == null) {
                throw new ReportException(file, "line 1", "empty CSV: no header row");
            }
            Map<String, Integer> columns = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                columns.put(header.get(i).strip().replace("\uFEFF", ""), i);
            }
            for (String required : REQUIRED) {
                if (!columns.containsKey(required)) {
                    throw new ReportException(file, "line 1", "not a Prowler CSV: no " + required + " column");
                }
            }
            List<String> row;
            while ((row = csv.next()) != null) {
                if (row.size() != header.size()) {
                    throw new ReportException(file, "line " + csv.recordLine(), "row has " + row.size() + " fields, the header " + header.size());
                }
                Row r = new Row(row, columns);
                FindingStatus status = switch (r.get("STATUS").toUpperCase()) {
                    case "PASS" -> null;
                    case "FAIL" -> FindingStatus.FAIL;
                    case "MANUAL", "INFO" -> FindingStatus.MANUAL;
                    default -> throw new ReportException(file, "line " + csv.recordLine(), "unknown STATUS '" + r.get("STATUS") + "'");
                };
                if (status == null) {
                    sink.passed(r.get("CHECK_ID"), r.get("RESOURCE_UID") != null ? r.get("RESOURCE_UID") : r.get("RESOURCE_NAME"),
                            r.get("REGION"), compliance(r.get("COMPLIANCE")));
                    continue;
                }
                if ("true".equalsIgnoreCase(r.get("MUTED"))) {
                    status = FindingStatus.SUPPRESSED;
                }
                String resource = r.get("RESOURCE_UID") != null ? r.get("RESOURCE_UID") : r.get("RESOURCE_NAME");
                String remediation = ProwlerText.join(r.get("REMEDIATION_RECOMMENDATION_TEXT"), r.get("REMEDIATION_RECOMMENDATION_URL"));
                count++;
                sink.accept(new Finding("prowler", r.get("CHECK_ID"), r.get("CHECK_TITLE"),
                        Severity.parse(r.get("SEVERITY")).orElse(Severity.INFO), status, r.get("ACCOUNT_UID"), r.get("REGION"),
                        r.get("SERVICE_NAME"), resource, r.get("STATUS_EXTENDED"), remediation, compliance(r.get("COMPLIANCE")),
                        time(r.get("TIMESTAMP"))));
            }
        } catch (DelimitedReader.MalformedRecord e) {
            throw new ReportException(file, null, e.getMessage());
        } catch (CharacterCodingException e) {
            throw new ReportException(file, null, "not UTF-8 text");
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
        return count;
    }

    /** {@code FW: req1, req2 | FW2: req3}. */
    static Map<String, List<String>> compliance(String cell) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (cell == null) {
            return result;
        }
        for (String framework : cell.split(" \\| ")) {
            int colon = framework.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            List<String> ids = new ArrayList<>();
            for (String id : framework.substring(colon + 1).split(",")) {
                if (!id.isBlank()) {
                    ids.add(id.strip());
                }
            }
            result.put(framework.substring(0, colon).strip(), ids);
        }
        return result;
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private record Row(List<String> values, Map<String, Integer> columns) {
        String get(String column) {
            Integer i = columns.get(column);
            if (i == null) {
                return null;
            }
            String value = values.get(i);
            return value == null || value.isBlank() ? null : value;
        }
    }
}
