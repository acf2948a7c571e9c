package io.nubicustos.gateway.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The role a controller method (or every method of a controller) needs. Without it a GET needs {@code read} and
 * anything else {@code admin}: a route nobody thought about is closed, not open.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Requires {
    Role value();
}
