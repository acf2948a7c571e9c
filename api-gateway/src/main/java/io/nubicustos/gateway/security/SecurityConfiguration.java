package io.nubicustos.gateway.security;

import io.nubicustos.gateway.system.GatewayProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    FilterRegistrationBean<AuditFilter> auditFilter(JdbcClient jdbc, Clock clock) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(new AuditFilter(jdbc, clock));
        registration.setOrder(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(GatewayProperties properties, Clock clock) {
        GatewayProperties.Api api = properties.api();
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
                new ApiKeyFilter(new ApiKeys(api), new RateLimiter(api.requestsPerMinute(), clock), api.protectMetrics()));
        registration.setOrder(2);
        return registration;
    }
}
