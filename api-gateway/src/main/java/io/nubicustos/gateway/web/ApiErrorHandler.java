package io.nubicustos.gateway.web;

import java.util.List;
import io.nubicustos.gateway.web.validation.RecordFields;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import io.nubicustos.support.database.DatabaseUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;


/**
 * Every error the API answers is one RFC 9457 problem ({@link Problems}):
 * {@code {"type": "urn:nubicustos:problem:unknown_profile", "title": "Unprocessable Entity", "status": 422,
 * "detail": "...", "instance": "/api/scans", "error": "unknown_profile", "field": "profile", "message": "..."}}.
 * Bad input is always a 4xx naming the problem; a 500 means a bug and is logged as one.
 */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    static ResponseEntity<ProblemDetail> body(HttpStatusCode status, String code, String field, String message) {
        return Problems.answer(status, code, field, message);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return ResponseEntity.status(e.status()).body(Problems.of(e.status(), e.code(), e.field(), e.getMessage(), e.quota()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        if (e.getMostSpecificCause() instanceof PayloadTooLargeException tooLarge) {
            return body(HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large", null, tooLarge.getMessage());
        }
        // why: a body bound to a record names the field at fault, as the hand-read bodies always did
        if (e.getMostSpecificCause() instanceof UnrecognizedPropertyException unknown) {
            String field = Printable.of(unknown.getPropertyName(), 80);
            List<String> known = unknown.getKnownPropertyIds() == null ? List.of()
                    : unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return body(HttpStatus.BAD_REQUEST, "invalid_request", field, "unknown field '" + field + "'; allowed fields: "
                    + String.join(", ", known));
        }
        if (e.getMostSpecificCause() instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            String field = fieldOf(mismatched);
            return body(HttpStatus.BAD_REQUEST, "invalid_request", field, field + " has the wrong type: "
                    + Printable.of(String.valueOf(mismatched.getOriginalMessage()), 200));
        }
        String detail = e.getMostSpecificCause() instanceof JacksonException json
                ? json.getOriginalMessage() + locationOf(json)
                : "the request body is missing or is not JSON";
        return body(HttpStatus.BAD_REQUEST, "malformed_json", null, "malformed JSON: " + detail);
    }

    /** A record's Bean Validation refused the body: the first field at fault (by name, so the answer is stable), and why. */
    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ProblemDetail> invalid(MethodArgumentNotValidException e) {
        FieldError first = e.getBindingResult().getFieldErrors().stream()
                .min(java.util.Comparator.comparing(FieldError::getField).thenComparing(error -> String.valueOf(error.getDefaultMessage())))
                .orElse(null);
        if (first == null) {
            return body(HttpStatus.BAD_REQUEST, "invalid_request", null, "the request body is not valid");
        }
        String field = RecordFields.snake(first.getField().replaceAll("\\[\\d+]", ""));
        return body(HttpStatus.BAD_REQUEST, "invalid_request", field, field + " " + first.getDefaultMessage());
    }

    private static String fieldOf(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            }
        }
        return path.isEmpty() ? null : Printable.of(path.toString(), 80);
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e) {
        return body(HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large", null, e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        return body(HttpStatus.BAD_REQUEST, "invalid_parameter", e.getName(),
                "'" + e.getValue() + "' is not a valid " + e.getName());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParameter(MissingServletRequestParameterException e) {
        return body(HttpStatus.BAD_REQUEST, "missing_parameter", e.getParameterName(), e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", null,
                "send the request body as application/json (got " + e.getContentType() + ")");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", null, e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noRoute(NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, "not_found", null, "no such route: /" + e.getResourcePath());
    }

    /** The database is unreachable for a moment (restarting, failing over): not a bug, and worth retrying. */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class, CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> unavailable(Exception e) {
        log.warn("Answering 503: the database is unreachable ({})", e.toString());
        ResponseEntity<ProblemDetail> answer = body(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable", null,
                "the database is unreachable for the moment; retry shortly");
        return ResponseEntity.status(answer.getStatusCode()).header("Retry-After", "5").body(answer.getBody());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        // why: the one notion of unavailability (service-support) also sees a driver's connection error wrapped in another
        if (DatabaseUnavailable.orTransient(e)) {
            return unavailable(e);
        }
        log.error("Unexpected error answering a request; this is a bug, the client gets a 500", e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", null, "internal error; see the api-gateway log");
    }
}
