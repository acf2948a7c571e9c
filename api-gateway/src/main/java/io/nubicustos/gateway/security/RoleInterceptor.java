package io.nubicustos.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Holds the caller to the role of the handler the request was routed to. The decision is made on the controller
 * method Spring MVC chose, after routing, so no spelling of a path (letter case, {@code ;} parameters, a trailing
 * slash) can lead a {@code scan} key to a route it was not given: what it reaches is what is checked. A known key beyond
 * its role gets 403 naming the role it needs.
 */
final class RoleInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Caller caller = Caller.of(request);
        if (caller != null && caller.openRoute()) {
            return true;
        }
        Role required = required(method, request.getMethod());
        if (caller != null && Role.anyGrants(caller.roles(), required)) {
            return true;
        }
        String who = caller == null ? "this caller" : "key '" + caller.name() + "'";
        JsonErrors.write(request, response, 403, "forbidden", who + " may not do this: it needs the " + required.value() + " role",
                "required_role", required.value());
        return false;
    }

    static Role required(HandlerMethod method, String httpMethod) {
        Requires onMethod = method.getMethodAnnotation(Requires.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        Requires onType = method.getBeanType().getAnnotation(Requires.class);
        if (onType != null) {
            return onType.value();
        }
        return "GET".equals(httpMethod) || "HEAD".equals(httpMethod) ? Role.READ : Role.ADMIN;
    }
}
