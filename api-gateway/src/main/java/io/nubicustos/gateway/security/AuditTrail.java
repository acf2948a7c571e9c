package io.nubicustos.gateway.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

import java.util.Map;

/**
 * What the audit log writes about the request being served: who made it (set by the key filter) and,
 * where a controller knows more than the path says, what it touched (the scan ids a bulk call deleted
 * or archived, the archive or export downloaded).
 */
public final class AuditTrail {

    static final String ACTOR = "nubicustos.audit.actor";
    static final String DETAIL = "nubicustos.audit.detail";
    static final String THROTTLED = "nubicustos.audit.throttled";

    private AuditTrail() {
    }

    /** Records what the current request touched; the audit log writes it with the request. */
    public static void detail(Map<String, Object> detail) {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes != null) {
            attributes.setAttribute(DETAIL, detail, RequestAttributes.SCOPE_REQUEST);
        }
    }

    /** Who makes the request being served: the key's name, or the client address when the API is open. */
    public static String actor() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        Object actor = attributes == null ? null : attributes.getAttribute(ACTOR, RequestAttributes.SCOPE_REQUEST);
        return actor == null ? null : actor.toString();
    }

    static void actor(HttpServletRequest request, String actor) {
        request.setAttribute(ACTOR, actor);
    }

    static void throttled(HttpServletRequest request) {
        request.setAttribute(THROTTLED, Boolean.TRUE);
    }
}
