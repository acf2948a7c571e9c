package io.nubicustos.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;
import java.util.Map;

/** The REST API and the Kafka intake of scan requests; the only service clients talk to. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ApiGatewayApplication {

    /** Each service reads its own config file, so that all three can share one JVM (infra/standalone). */
    public static final String CONFIG_NAME = "api-gateway";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ApiGatewayApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
