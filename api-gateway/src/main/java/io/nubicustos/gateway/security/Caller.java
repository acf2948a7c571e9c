package io.nubicustos.gateway.security;

import jakarta.servlet.http.HttpServletRequest;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who makes the request and what they may do, as the key filter found it: a key's name and roles; anyone, as admin,
 * when the API has no keys; or nobody in particular on an open route (health), which needs no role.
 */
record Caller(String name, Set<Role> roles, boolean openRoute) {

    static final String ATTRIBUTE = "nubicustos.caller";

    static Caller of(String name, Set<Role> roles) {
        return new Caller(name, Set.copyOf(roles), false);
    }

    static Caller unkeyedApi() {
        return new Caller("anonymous", EnumSet.of(Role.ADMIN), false);
    }

    static Caller onOpenRoute() {
        return new Caller("anonymous", Set.of(), true);
    }

    void attachTo(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, this);
    }

    static Caller of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? caller : null;
    }
}
