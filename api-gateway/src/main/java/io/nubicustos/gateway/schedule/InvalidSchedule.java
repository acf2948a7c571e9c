package io.nubicustos.gateway.schedule;

/** A schedule that cannot be stored as asked: which field, and why. */
final class InvalidSchedule extends RuntimeException {

    private final String field;

    InvalidSchedule(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
