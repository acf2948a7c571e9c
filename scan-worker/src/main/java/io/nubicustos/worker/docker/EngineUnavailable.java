package io.nubicustos.worker.docker;

/** The Docker engine could not be reached (restarting, stopped, its socket gone) while a step needed it. */
public class EngineUnavailable extends RuntimeException {
    public EngineUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
