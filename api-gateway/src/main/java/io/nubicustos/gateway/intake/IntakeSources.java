package io.nubicustos.gateway.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may request scans on the topic: the CloudEvents {@code source} values of {@code nubicustos.intake.allowed-sources}
 * (a trailing {@code *} for a prefix). A record of another source, or a bare request body with no source at all, is
 * refused (dead-lettered saying why); with none configured every source is accepted, and the start-up log says so.
 * Each source has a rate: a record over it waits its turn (the topic keeps it meanwhile), it is never dropped.
 */
@Component
class IntakeSources {

    private static final Logger log = LoggerFactory.getLogger(IntakeSources.class);

    private final List<String> allowed;
    private final double perMinute;
    private final Clock clock;
    private final Map<String, long[]> nextFree = new ConcurrentHashMap<>();

    IntakeSources(@Value("${nubicustos.intake.allowed-sources:}") List<String> allowed,
                  @Value("${nubicustos.intake.per-source-per-minute:600}") int perMinute, Clock clock) {
        this.allowed = allowed.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        // why: a record waits its turn on the consumer's thread; a poll's 500 records of one source must be through well
        // within the consumer's poll interval (300 s), or the broker would take its partitions away mid-batch
        if (perMinute < 200) {
            throw new IllegalArgumentException("nubicustos.intake.per-source-per-minute must be at least 200 (a poll's 500 records of"
                    + " one source then wait at most 150 s in all)");
        }
        this.perMinute = perMinute;
        this.clock = clock;
        if (this.allowed.isEmpty()) {
            log.warn("Scan requests on Kafka are accepted from every source (nubicustos.intake.allowed-sources is empty): anyone who"
                    + " can produce to the topic can request scans");
        } else {
            log.info("Scan requests on Kafka are accepted from these CloudEvents sources only: {}", this.allowed);
        }
    }

    /** Why a record of this source (null: a bare body, no CloudEvent) is refused; null when it is accepted. */
    String refusal(String source) {
        if (allowed.isEmpty()) {
            return null;
        }
        if (source == null) {
            return "a bare request body names no source; this installation takes CloudEvents from " + allowed
                    + " only (nubicustos.intake.allowed-sources)";
        }
        for (String entry : allowed) {
            if (entry.endsWith("*") ? source.startsWith(entry.substring(0, entry.length() - 1)) : source.equals(entry)) {
                return null;
            }
        }
        return "CloudEvent source " + RequestIds.printable(source) + " is not allowed to request scans (nubicustos.intake.allowed-sources)";
    }

    /** Waits until the source may send another request (its rate), without dropping the record. */
    void awaitTurn(String source) throws InterruptedException {
        long interval = (long) Math.ceil(60_000.0 / perMinute);
        long wait;
        long[] slot = nextFree.computeIfAbsent(source == null ? "" : source, k -> new long[] {0});
        synchronized (slot) {
            long now = clock.millis();
            long start = Math.max(now, slot[0]);
            slot[0] = start + interval;
            wait = start - now;
        }
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
