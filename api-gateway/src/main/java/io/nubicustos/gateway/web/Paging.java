package io.nubicustos.gateway.web;

/** A validated page request: page from 0, size 1 to {@link #MAX_SIZE}. */
public record Paging(int page, int size) {

    public static final int MAX_SIZE = 500;

    public static Paging of(int page, int size) {
        if (page < 0) {
            throw ApiException.badRequest("page", "page must be 0 or more");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw ApiException.badRequest("size", "size must be between 1 and " + MAX_SIZE);
        }
        return new Paging(page, size);
    }

    public long offset() {
        return (long) page * size;
    }
}
