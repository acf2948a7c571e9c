package io.nubicustos.gateway.web;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * What the document says of every error body: an RFC 9457 problem as {@link Problems} builds it at run time (this record
 * only describes it; Spring's {@code ProblemDetail} is what is written).
 *
 * @param type     {@code urn:nubicustos:problem:<error>}, the problem's stable identifier
 * @param title    the HTTP status's reason phrase
 * @param status   the HTTP status, repeated for clients that only keep the body
 * @param detail   what is wrong, for a person
 * @param instance the path that was asked for
 * @param error    a stable, machine-readable code ({@code unknown_profile}, {@code scan_not_found}, …), as before problem+json
 * @param field    the request field or parameter at fault, when one is
 * @param message  the same sentence as {@code detail}, kept for clients written before problem+json
 * @param quota    the setting that bounds what was asked for, on a 409 {@code quota_exceeded}
 */
@Schema(name = "Problem")
public record Problem(String type, String title, int status, String detail, String instance, String error,
                      @Nullable String field, String message,
                      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                      @Nullable String quota) {
}
