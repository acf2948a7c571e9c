package io.nubicustos.testsupport;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

import java.util.Map;

/**
 * Points the service under test at a fresh, empty PostgreSQL database ({@link TestPostgres}), which its
 * Flyway migrations then create. The properties sit just above the service's own config file, so that a
 * test's own properties (a proxy in front of the database, say) still win.
 */
public final class FreshDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        MapPropertySource database = new MapPropertySource("fresh test database", Map.of(
                "spring.datasource.url", TestPostgres.newDatabase(),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", ""));
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        sources.stream().map(PropertySource::getName).filter(name -> name.startsWith("Config resource")).findFirst()
                .ifPresentOrElse(configFile -> sources.addBefore(configFile, database), () -> sources.addLast(database));
    }
}
