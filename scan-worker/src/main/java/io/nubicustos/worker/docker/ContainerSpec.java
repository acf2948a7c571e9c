package io.nubicustos.worker.docker;

import java.util.List;
import java.util.Map;

/**
 * A container to create, with host paths already resolved.
 *
 * @param name         container name
 * @param image        image
 * @param entrypoint   entrypoint override or null
 * @param command      arguments
 * @param environment  environment variables
 * @param labels       labels identifying the scan, step, tool, attempt and worker
 * @param binds        host path to container path, with read-only flag
 * @param volumes      named volume to container path
 * @param network      network to join, or null
 * @param memoryBytes  memory limit, or null
 * @param nanoCpus     CPU limit in billionths of a CPU, or null
 * @param pids         process limit, or null
 * @param groups       supplementary groups of the container's processes (the reports group, so the tool can write)
 */
public record ContainerSpec(String name, String image, List<String> entrypoint, List<String> command,
                            Map<String, String> environment, Map<String, String> labels, List<BindMount> binds,
                            Map<String, String> volumes, String network, Long memoryBytes, Long nanoCpus, Long pids,
                            List<String> groups) {

    public record BindMount(String hostPath, String containerPath, boolean readOnly) {
    }

    @Override
    public String toString() {
        // why: the environment may hold credentials (ambient ones); only the names are ever printed
        return "ContainerSpec[name=" + name + ", image=" + image + ", environment=" + environment.keySet() + ", labels=" + labels + "]";
    }
}
