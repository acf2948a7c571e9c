package io.nubicustos.gateway.intake;

/**
 * A record on the scan-requests topic that can never become a scan. Not retried: the error handler
 * sends it to the dead-letter topic with this message as the reason.
 */
class InvalidScanRequest extends RuntimeException {
    InvalidScanRequest(String message) {
        super(message);
    }
}
