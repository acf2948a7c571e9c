package io.nubicustos.model.catalog;

/** A resource limit that makes no sense or is not allowed; {@link #field()} names it (e.g. {@code limits.memory}). */
public class InvalidLimit extends IllegalArgumentException {

    private final String field;

    public InvalidLimit(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
