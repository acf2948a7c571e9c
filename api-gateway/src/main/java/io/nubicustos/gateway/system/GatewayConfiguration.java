package io.nubicustos.gateway.system;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.model.scan.ScanPlanner;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.time.Clock;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

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

    @Bean
    ToolCatalog toolCatalog(GatewayProperties properties, @Value("${nubicustos.catalog-overlay:}") String overlay) {
        // why: an overlay changes a few fields (the stand-ins' images, an operator's registry mirror) without copying the catalog
        return ToolCatalog.load(properties.catalog(), overlay);
    }

    /** With where the services tools may require are: {@code nubicustos.tool-services.neo4j=bolt://neo4j:7687} (NUBICUSTOS_TOOLSERVICES_NEO4J). */
    @Bean
    ScanPlanner scanPlanner(ToolCatalog catalog, Environment environment) {
        Map<String, String> services = Binder.get(environment)
                .bind("nubicustos.tool-services", Bindable.mapOf(String.class, String.class)).orElse(Map.of());
        return new ScanPlanner(catalog, services);
    }

    @Bean
    KafkaAdmin.NewTopics gatewayTopics(GatewayProperties properties) {
        short rf = properties.kafka().replicationFactor();
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.SCAN_REQUESTS).partitions(6).replicas(rf).build(),
                TopicBuilder.name(Topics.SCAN_REQUESTS_DLT).partitions(1).replicas(rf).build(),
                TopicBuilder.name(Topics.TOOL_STEPS).partitions(properties.kafka().stepPartitions()).replicas(rf).build(),
                TopicBuilder.name(Topics.SCAN_EVENTS).partitions(3).replicas(rf).build());
    }

}
