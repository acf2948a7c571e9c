package io.nubicustos.gateway.web;

import java.io.IOException;

/** A request body grew past the configured cap while it was being read; answered 413. */
public class PayloadTooLargeException extends IOException {
    public PayloadTooLargeException(long maxBytes) {
        super(message(maxBytes));
    }

    public static String message(long maxBytes) {
        return "the request body is larger than " + maxBytes + " bytes (nubicustos.api.max-body-size)";
    }
}
