package io.nubicustos.bench;

import io.nubicustos.model.messaging.OutboxChannel;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.standalone.NubicustosStandalone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Row 3. A burst of outbox rows (as many step commands as a burst of accepted scans writes), and how
 * many the api-gateway's relay publishes per second; then lone scans, and how long after the accept their
 * step command is published.
 */
final class OutboxRow {

    static final int BURST = 20_000;
    static final int LONE = 20;
    static final int BURSTS = 3;

    void run(Table table) throws Exception {
        Path data = Fixtures.dataDirectory("bench-outbox");
        String database = Fixtures.database();
        double perSecond;
        List<Double> burstRates;
        Stats lone;
        try (NubicustosStandalone system = Fixtures.system(data, database, null, Map.of(), Set.of("api-gateway"))) {
            Http api = new Http(system.apiPort());
            for (int i = 0; i < 20; i++) {
                api.submit("{\"profile\": \"quick\"}");
            }
            awaitPublished(database);
            // why: the first burst warms the relay and the producer up (as every row measures steady state); the median of
            // the next three is reported. The rows are written as another service writes them: with a NOTIFY in their transaction
            List<Double> rates = new ArrayList<>();
            for (int burst = 0; burst <= BURSTS; burst++) {
                Fixtures.execute(database, "begin; insert into outbox (topic, message_key, payload, created_at) select '" + Topics.TOOL_STEPS
                        + "', gen_random_uuid()::text, '{\"step_id\": \"' || gen_random_uuid() || '\", \"scan_id\": \"' || gen_random_uuid()"
                        + " || '\", \"tool\": \"prowler\"}', now() from generate_series(1, " + BURST + "); " + OutboxChannel.WAKE_RELAY
                        + "; commit");
                long start = System.nanoTime();
                awaitPublished(database);
                if (burst > 0) {
                    rates.add(BURST / ((System.nanoTime() - start) / 1e9));
                }
            }
            perSecond = Stats.of(rates).percentile(50);
            burstRates = rates;
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < LONE; i++) {
                String scan = api.submit("{\"profile\": \"quick\"}");
                awaitPublished(database);
                latencies.add(Fixtures.count(database, "select (extract(epoch from published_at - created_at) * 1000000)::bigint from outbox"
                        + " where payload like '%" + scan + "%'") / 1000.0);
                Thread.sleep(200);
            }
            lone = Stats.of(latencies);
        }
        table.add("outbox rows published per second under a burst of " + BURST + " (median of " + BURSTS + ", after a warm-up burst)",
                String.format("%,.0f/s", perSecond), "", "", ">= 10,000/s", perSecond >= 10_000);
        table.note("outbox bursts: " + burstRates.stream().map(r -> String.format("%,.0f/s", r)).toList());
        table.add("a lone scan's first step published after the accept (" + LONE + " scans)",
                String.format("p50 %.0f ms, max %.0f ms", lone.percentile(50), lone.percentile(100)), "", "", "<= 50 ms",
                lone.percentile(50) <= 50);
    }

    private static void awaitPublished(String database) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (Fixtures.count(database, "select count(*) from outbox where published_at is null and parked_at is null") > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the outbox was not published within 10 minutes");
            }
            Thread.sleep(5);
        }
    }
}
