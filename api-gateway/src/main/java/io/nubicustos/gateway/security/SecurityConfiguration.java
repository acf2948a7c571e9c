package io.nubicustos.gateway.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

import java.time.Clock;

/** The filters every request passes, outermost first: audit, key check (deny by default), body cap. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(JdbcClient jdbc, ObjectMapper json, Clock clock) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter(jdbc, json, clock));
        registration.setOrder(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(GatewayProperties properties, Clock clock, MeterRegistry meters) {
        GatewayProperties.Api api = properties.api();
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(new ApiKeys(api),
                new RateLimiter(api.requestsPerMinute(), clock), new RateLimiter(api.unauthenticatedPerMinute(), clock),
                api.protectMetrics(), meters));
        registration.setOrder(2);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodySizeLimit> bodySizeLimit(GatewayProperties properties) {
        FilterRegistrationBean<BodySizeLimit> registration = new FilterRegistrationBean<>(
                new BodySizeLimit(properties.api().maxBodySize().toBytes()));
        registration.setOrder(3);
        return registration;
    }
}
