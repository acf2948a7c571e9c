package io.nubicustos.worker.step;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/** Renews the leases of the steps this worker runs, in one statement per round. */
@Component
class LeaseKeeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final StepRepository steps;
    private final StepExecutor executor;

    LeaseKeeper(StepRepository steps, StepExecutor executor) {
        this.steps = steps;
        this.executor = executor;
    }

    @Scheduled(fixedDelayString = "${nubicustos.worker.lease-renew-interval:15s}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Lease renewal failed ({}); retrying next round, well before the leases expire", e.toString());
        }
    }

    int runOnce() {
        Set<UUID> active = executor.active();
        int renewed = steps.renew(active);
        if (renewed < active.size()) {
            log.debug("Renewed {} of {} leases; the others were cancelled or already settled", renewed, active.size());
        }
        return renewed;
    }
}
