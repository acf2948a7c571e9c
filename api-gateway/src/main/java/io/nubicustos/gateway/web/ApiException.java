package io.nubicustos.gateway.web;

import org.springframework.http.HttpStatus;

/**
 * A client's request cannot be served as sent. Carries what the JSON error says: the HTTP status, a
 * stable error code, the field at fault (may be null) and a sentence a person can act on.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final String field;
    private final String quota;

    public ApiException(HttpStatus status, String code, String field, String message) {
        this(status, code, field, message, null);
    }

    private ApiException(HttpStatus status, String code, String field, String message, String quota) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.quota = quota;
    }

    /** 409: the caller is at a quota; {@code setting} names it (and how to change it). */
    public static ApiException quotaExceeded(String setting, String message) {
        return new ApiException(HttpStatus.CONFLICT, "quota_exceeded", null, message, setting);
    }

    public String quota() {
        return quota;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field, message);
    }

    public static ApiException unprocessable(String code, String field, String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, code, field, message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(HttpStatus.NOT_FOUND, code, null, message);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
