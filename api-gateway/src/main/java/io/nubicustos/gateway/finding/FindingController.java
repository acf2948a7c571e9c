package io.nubicustos.gateway.finding;

import io.nubicustos.gateway.finding.FindingResponses.FindingHistory;
import io.nubicustos.gateway.finding.FindingResponses.FindingPage;
import io.nubicustos.gateway.finding.FindingResponses.Sighting;
import io.nubicustos.gateway.control.Consensus;
import io.nubicustos.gateway.scan.ScanQueries;
import io.nubicustos.gateway.web.Paging;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.nubicustos.gateway.web.ApiException;

/** A scan's normalized findings, and one finding's history across scans. */
@RestController
class FindingController {

    private final FindingQueries findings;
    private final ScanQueries scans;
    private final Consensus consensus;

    FindingController(FindingQueries findings, ScanQueries scans, Consensus consensus) {
        this.findings = findings;
        this.scans = scans;
        this.consensus = consensus;
    }

    @GetMapping("/api/scans/{id}/findings")
    FindingPage findings(@PathVariable("id") UUID id,
                                 @RequestParam(required = false) String severity,
                                 @RequestParam(required = false) String tool,
                                 @RequestParam(defaultValue = "fail") String status,
                                 @RequestParam(required = false) String account,
                                 @RequestParam(required = false) String region,
                                 @RequestParam(required = false) String check,
                                 @RequestParam(required = false) String resource,
                                 @RequestParam(defaultValue = "0") int page,
                                 @RequestParam(defaultValue = "100") int size) {
        scans.requireExists(id);
        FindingFilter filter = FindingFilter.of(severity, tool, status, account, region, check, resource);
        Paging paging = Paging.of(page, size);
        List<FindingView> rows = findings.page(id, filter, paging);
        List<List<String>> confirmed = consensus.confirmedBy(id, rows.stream().map(f -> new Consensus.Claim(f.tool(), f.fingerprint())).toList());
        List<FindingView> shown = new java.util.ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            FindingView f = rows.get(i);
            shown.add(f.withConfirmedBy(confirmed.get(i).isEmpty() ? List.of(f.tool()) : confirmed.get(i)));
        }
        return new FindingPage(id, findings.count(id, filter), paging.page(), paging.size(), shown);
    }

    /** Where a finding (by fingerprint) was seen: every scan that reported it, newest first. */
    @GetMapping("/api/findings")
    FindingHistory history(@RequestParam String fingerprint) {
        if (!fingerprint.matches("[0-9a-f]{64}")) {
            throw ApiException.badRequest("fingerprint", "a fingerprint is 64 lower-case hex characters");
        }
        List<Sighting> history = findings.history(fingerprint);
        return new FindingHistory(fingerprint, history.isEmpty() ? null : history.get(history.size() - 1).scanCreatedAt(),
                history.isEmpty() ? null : history.get(0).scanCreatedAt(), history.size(), history);
    }
}
