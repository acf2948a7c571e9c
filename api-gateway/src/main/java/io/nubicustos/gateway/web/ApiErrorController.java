package io.nubicustos.gateway.web;

import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;


/**
 * Errors the servlet container raises itself (a URL it refuses, a body it cannot read) reach the
 * client in the API's one error shape too. Asked for directly, {@code /error} is just a route that
 * does not exist.
 */
@Hidden
@RestController
class ApiErrorController implements ErrorController {

    @Requires(Role.READ)
    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(code instanceof Integer status) || status < 400) {
            return ApiErrorHandler.body(HttpStatus.NOT_FOUND, "not_found", null, "no such route");
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        HttpStatus answer = resolved == null ? HttpStatus.BAD_REQUEST : resolved;
        return ApiErrorHandler.body(answer, answer.is5xxServerError() ? "internal_error" : "invalid_request", null,
                answer.is5xxServerError() ? "internal error; see the api-gateway log" : answer.getReasonPhrase());
    }
}
