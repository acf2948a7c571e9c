package io.nubicustos.worker.step;

import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The container of each step this worker is waiting for, so that a cancelled step's container can be killed. */
@Component
public class RunningContainers {

    private final Map<UUID, String> byStep = new ConcurrentHashMap<>();

    void put(UUID stepId, String containerId) {
        byStep.put(stepId, containerId);
    }

    void remove(UUID stepId) {
        byStep.remove(stepId);
    }

    public Set<UUID> steps() {
        return Set.copyOf(byStep.keySet());
    }

    public String containerOf(UUID stepId) {
        return byStep.get(stepId);
    }
}
