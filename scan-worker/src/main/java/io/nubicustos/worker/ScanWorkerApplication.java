package io.nubicustos.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.util.Map;

/** Claims tool steps and runs their containers; stateless, any number of instances. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ScanWorkerApplication {

    public static final String CONFIG_NAME = "scan-worker";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ScanWorkerApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
