package io.nubicustos.gateway.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Every error the API answers is an RFC 9457 problem ({@code application/problem+json}, Spring's {@link ProblemDetail}):
 * {@code type} is {@code urn:nubicustos:problem:<error>} (a stable identifier; the codes are listed in docs/api-errors.md),
 * {@code title} the status's reason phrase, {@code detail} the sentence a person can act on, {@code instance} the path
 * asked for. The fields clients read before the switch stay as extension members with the same names and meaning:
 * {@code status}, {@code error} (the code), {@code field} (the field at fault, or null), {@code message} (= detail), and
 * {@code quota} on a 409 {@code quota_exceeded}.
 */
public final class Problems {

    public static final String TYPE_PREFIX = "urn:nubicustos:problem:";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, @Nullable String field, String message, @Nullable String quota) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        problem.setType(URI.create(TYPE_PREFIX + code));
        // why: set here, not left to Spring, which parses the raw path with URI.create and fails on a path it cannot parse
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current) {
            problem.setInstance(instance(current.getRequest().getRequestURI()));
        }
        problem.setProperty("error", code);
        problem.setProperty("field", field);
        problem.setProperty("message", message);
        if (quota != null) {
            problem.setProperty("quota", quota);
        }
        return problem;
    }

    /** The path asked for as a URI reference: as sent when it parses, quoted where it does not, absent when neither works. */
    public static @Nullable URI instance(@Nullable String rawPath) {
        if (rawPath == null) {
            return null;
        }
        try {
            return URI.create(rawPath);
        } catch (IllegalArgumentException notAUri) {
            try {
                return new URI(null, null, rawPath, null);
            } catch (URISyntaxException stillNot) {
                return null;
            }
        }
    }

    static ResponseEntity<ProblemDetail> answer(HttpStatusCode status, String code, @Nullable String field, String message) {
        return ResponseEntity.status(status).body(of(status, code, field, message, null));
    }
}
