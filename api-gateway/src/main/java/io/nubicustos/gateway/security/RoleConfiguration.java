package io.nubicustos.gateway.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Every routed request is held to its handler's role ({@link RoleInterceptor}), after the key filter said who calls. */
@Configuration(proxyBeanMethods = false)
class RoleConfiguration implements WebMvcConfigurer {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RoleInterceptor());
    }
}
