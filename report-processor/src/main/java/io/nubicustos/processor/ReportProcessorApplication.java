package io.nubicustos.processor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.util.Map;

/** Turns tool reports into normalized findings and settles scans. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ReportProcessorApplication {

    public static final String CONFIG_NAME = "report-processor";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(ReportProcessorApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        app.run(args);
    }
}
