package io.nubicustos.gateway.web;

import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
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
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        ResponseEntity<ProblemDetail> problem;
        if (!(code instanceof Integer status) || status < 400) {
            problem = ApiErrorHandler.body(HttpStatus.NOT_FOUND, "not_found", null, "no such route");
        } else {
            HttpStatus resolved = HttpStatus.resolve(status);
            HttpStatus answer = resolved == null ? HttpStatus.BAD_REQUEST : resolved;
            problem = ApiErrorHandler.body(answer, answer.is5xxServerError() ? "internal_error" : "invalid_request", null,
                    answer.is5xxServerError() ? "internal error; see the api-gateway log" : answer.getReasonPhrase());
        }
        // why: the problem names the path the client asked for, not the error page it was forwarded to
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String asked && problem.getBody() != null) {
            problem.getBody().setInstance(Problems.instance(asked));
        }
        return problem;
    }
}
