package io.nubicustos.worker;

/**
 * A step cannot run for a reason of its own that retrying, here or on another host, will not fix (its
 * AWS profile is not in the credentials, the tool planted something where its output is saved). The
 * message is what the user reads in /errors. A host that cannot run containers is a {@link HostFailure}.
 */
public class StepFailure extends RuntimeException {
    public StepFailure(String message) {
        super(message);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
