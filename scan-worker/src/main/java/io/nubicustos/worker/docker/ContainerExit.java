package io.nubicustos.worker.docker;

/**
 * How a container ended, read from {@code docker wait} and {@code docker inspect}.
 *
 * @param exitCode   the process's exit code, or null if the container vanished
 * @param oomKilled  whether the kernel killed it for exceeding its memory limit
 * @param vanished   the container was removed before it could be inspected
 * @param timedOut   the container outlived its timeout and this worker killed it
 * @param released   this worker stopped waiting (the step was taken over); the container was left as it is
 * @param killedByUs this worker killed the container (cancel or timeout)
 */
public record ContainerExit(Integer exitCode, boolean oomKilled, boolean vanished, boolean timedOut, boolean released,
                            boolean killedByUs) {

    /** SIGKILL and SIGTERM as exit codes: what a container shows when something outside the tool stopped it. */
    private static final int KILLED = 128 + 9;
    private static final int TERMINATED = 128 + 15;

    public static ContainerExit vanishedContainer() {
        return new ContainerExit(null, false, true, false, false, false);
    }

    public static ContainerExit releasedContainer() {
        return new ContainerExit(null, false, false, false, true, false);
    }

    /**
     * The tool did not end on its own: it was killed or terminated, not by the kernel for memory and not by
     * this worker. That is the Docker engine restarting (it stops its containers), the host shutting down,
     * or someone running {@code docker stop}: an infrastructure event, not the tool's failure.
     */
    public boolean stoppedFromOutside() {
        return exitCode != null && (exitCode == KILLED || exitCode == TERMINATED) && !oomKilled && !killedByUs && !timedOut;
    }
}
