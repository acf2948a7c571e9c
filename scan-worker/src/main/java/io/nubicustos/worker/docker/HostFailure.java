package io.nubicustos.worker.docker;

/**
 * This Docker host cannot run the step's container now (the image is missing under the pull policy, the
 * network cannot be made, the engine refused to create or start the container). It says nothing about the
 * tool: the step goes back to the queue for another attempt, on whichever host claims it, and the host
 * counts it against its health.
 */
public class HostFailure extends RuntimeException {
    public HostFailure(String message) {
        super(message);
    }

    public HostFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
