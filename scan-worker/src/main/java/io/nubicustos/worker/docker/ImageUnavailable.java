package io.nubicustos.worker.docker;

import io.nubicustos.worker.StepFailure;
/**
 * The step's image cannot be had or cannot run on this host: not present and not pullable, or its entrypoint
 * (or user) does not exist in it. That is the tool's problem, not the host's: the step fails saying which image
 * and how to get it, and the worker stays healthy and keeps running every other tool. Counting it against the
 * host made one missing image stop the whole fleet (every worker probed with that same image for ever).
 */
public class ImageUnavailable extends StepFailure {

    private final String image;

    public ImageUnavailable(String image, String message) {
        super(message);
        this.image = image;
    }

    public ImageUnavailable(String image, String message, Throwable cause) {
        super(message, cause);
        this.image = image;
    }

    public String image() {
        return image;
    }

    /** The same failure, with how to get the image said after what went wrong. */
    public ImageUnavailable withHint(String hint) {
        return new ImageUnavailable(image, getMessage() + "; " + hint, this);
    }
}
