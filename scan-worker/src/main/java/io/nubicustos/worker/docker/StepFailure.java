package io.nubicustos.worker.docker;

/**
 * A step cannot run for a reason that retrying will not fix (image missing and not pullable, bad
 * mount, container refused by the engine). The message is what the user reads in /errors.
 */
public class StepFailure extends RuntimeException {
    public StepFailure(String message) {
        super(message);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
