package io.nubicustos.gateway.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.ObjectMapper;

import java.time.Clock;

/**
 * The filters every request passes, outermost first: audit, key check (deny by default), body cap. They
 * come before every filter of Spring's own that could read a request body, so no body of a caller without a
 * key is ever read, and no body past the cap.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(AuditLog auditLog, ObjectMapper json, Clock clock) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter(auditLog, json, clock));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(GatewayProperties properties, Clock clock, MeterRegistry meters,
                                                      @Value("${management.server.port:-1}") int managementPort,
                                                      @Value("${server.port:8080}") int serverPort,
                                                      @Value("${nubicustos.api.published-bind:}") String publishedBind,
                                                      @Value("${nubicustos.oidc.issuer-uri:}") String issuer,
                                                      @Value("${nubicustos.oidc.roles-claim:roles}") String rolesClaim,
                                                      @Value("${nubicustos.oidc.audience:}") String audience) {
        GatewayProperties.Api api = properties.api();
        ApiKeys keys = new ApiKeys(api);
        OidcTokens oidc = issuer.isBlank() ? null : new OidcTokens(issuer.trim(), rolesClaim, audience);
        if (oidc != null && audience.isBlank()) {
            org.slf4j.LoggerFactory.getLogger(SecurityConfiguration.class).warn("OIDC tokens of {} are accepted whatever their audience"
                    + " (NUBICUSTOS_OIDC_AUDIENCE is empty): a token the issuer made for another application, with its roles, gets in"
                    + " too", issuer);
        }
        refuseOpenWithoutKey(keys.enabled() || oidc != null, publishedBind);
        // why: a management port of its own (MANAGEMENT_SERVER_PORT, on loopback or a network only Prometheus shares) is
        // where metrics are scraped without a key; on the API's port every actuator endpoint but health needs one
        int separateManagementPort = managementPort > 0 && managementPort != serverPort ? managementPort : -1;
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(keys, oidc,
                new RateLimiter(api.requestsPerMinute(), clock), new RateLimiter(api.unauthenticatedPerMinute(), clock),
                separateManagementPort, meters));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /**
     * The address the API's port is published on (compose passes its NUBICUSTOS_BIND): beyond loopback with no key, anyone
     * who reaches it could start scans of any profile, read every finding and delete evidence; the API refuses to start.
     */
    static void refuseOpenWithoutKey(boolean guarded, String publishedBind) {
        if (guarded || publishedBind == null || publishedBind.isBlank()) {
            return;
        }
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(publishedBind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException("the API is published on " + publishedBind + " (NUBICUSTOS_BIND), beyond this machine, and no"
                    + " key is configured: set API_KEY (or NUBICUSTOS_API_KEYS, or NUBICUSTOS_OIDC_ISSUER_URI), or keep NUBICUSTOS_BIND=127.0.0.1");
        }
    }

    @Bean
    FilterRegistrationBean<BodySizeLimit> bodySizeLimit(GatewayProperties properties) {
        FilterRegistrationBean<BodySizeLimit> registration = new FilterRegistrationBean<>(
                new BodySizeLimit(properties.api().maxBodySize().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }
}
