package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.Watch;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The container this worker waits for, per step and attempt, so that a cancelled step's container can be
 * killed, and a step taken over by another worker can be let go of without touching its container.
 */
@Component
public class RunningContainers {

    private final Map<UUID, Entry> byStep = new ConcurrentHashMap<>();

    record Entry(int attempt, Watch watch) {
    }

    Watch watch(UUID stepId, int attempt, String containerId) {
        Watch watch = new Watch(containerId);
        byStep.put(stepId, new Entry(attempt, watch));
        return watch;
    }

    void remove(UUID stepId, Watch watch) {
        byStep.computeIfPresent(stepId, (id, entry) -> entry.watch() == watch ? null : entry);
    }

    public Set<UUID> steps() {
        return Set.copyOf(byStep.keySet());
    }

    Entry entry(UUID stepId) {
        return byStep.get(stepId);
    }
}
