package io.nubicustos.worker.system;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.messaging.Topics;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    /** The trace a scan began, kept on its rows and continued by whoever works on it next (ADR 7). */
    @Bean
    io.nubicustos.support.tracing.StoredTraces storedTraces(org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.Tracer> tracer,
                                                          org.springframework.beans.factory.ObjectProvider<io.micrometer.tracing.propagation.Propagator> propagator) {
        return io.nubicustos.support.tracing.StoredTraces.of(tracer, propagator);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Validated at start-up so that a broken operator file stops the worker before it claims anything. */
    @Bean
    ToolCatalog toolCatalog(WorkerProperties properties, @Value("${nubicustos.catalog-overlay:}") String overlay) {
        // why: an overlay changes a few fields (the stand-ins' images, an operator's registry mirror) without copying the catalog
        return ToolCatalog.load(properties.catalog(), overlay);
    }

    @Bean
    WorkerIdentity workerIdentity(WorkerProperties properties) {
        String id = properties.worker().id();
        if (id == null || id.isBlank()) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                id = System.getenv().getOrDefault("HOSTNAME", "scan-worker");
            }
        }
        return new WorkerIdentity(id);
    }

    /** Read (or generated and stored) once the database is migrated: every container of this installation carries it. */
    @Bean
    @DependsOnDatabaseInitialization
    InstallationId installationId(WorkerProperties properties, JdbcClient jdbc, Clock clock) {
        return InstallationId.of(properties.installationId(), jdbc, clock);
    }

    @Bean
    KafkaAdmin.NewTopics workerTopics() {
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.STEP_COMPLETED).partitions(6).build(),
                TopicBuilder.name(Topics.TOOL_STEPS_DLT).partitions(1).build());
    }
}
