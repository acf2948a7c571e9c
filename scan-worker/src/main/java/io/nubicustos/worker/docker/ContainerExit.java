package io.nubicustos.worker.docker;

/**
 * How a container ended, read from {@code docker wait} and {@code docker inspect}.
 *
 * @param exitCode   the process's exit code, or null if the container vanished
 * @param oomKilled  whether the kernel killed it for exceeding its memory limit
 * @param vanished   the container was removed before it could be inspected
 * @param timedOut   the container outlived its timeout and was killed
 */
public record ContainerExit(Integer exitCode, boolean oomKilled, boolean vanished, boolean timedOut) {

    public static ContainerExit vanishedContainer() {
        return new ContainerExit(null, false, true, false);
    }
}
