package io.nubicustos.gateway.web;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The one shape of every error the API answers, whatever the status.
 *
 * @param status  the HTTP status, repeated for clients that only keep the body
 * @param error   a stable, machine-readable code ({@code unknown_profile}, {@code scan_not_found}, …)
 * @param field   the request field or parameter at fault, when one is
 * @param message what is wrong, for a person
 * @param quota   the setting that bounds what was asked for, on a 409 {@code quota_exceeded}
 */
@Schema(name = "Error")
public record ApiError(int status, String error, @Nullable String field, String message,
                       @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                       @Nullable String quota) {

    public ApiError(int status, String error, @Nullable String field, String message) {
        this(status, error, field, message, null);
    }
}
