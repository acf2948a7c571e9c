package io.nubicustos.processor.system;

import io.nubicustos.support.kafka.DeadLetterListeners;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;
import io.micrometer.core.instrument.MeterRegistry;

@Configuration(proxyBeanMethods = false)
class ProcessorConfiguration {

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
    ToolCatalog toolCatalog(ProcessorProperties properties, @Value("${nubicustos.catalog-overlay:}") String overlay) {
        // why: an overlay changes a few fields (the stand-ins' images, an operator's registry mirror) without copying the catalog
        return ToolCatalog.load(properties.catalog(), overlay);
    }

    @Bean
    KafkaAdmin.NewTopics processorTopics() {
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.STEP_COMPLETED).partitions(6).build(),
                TopicBuilder.name(Topics.STEP_COMPLETED_DLT).partitions(1).build());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> completionContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template, MeterRegistry meters) {
        // why: raw text in, so that a record that is not a completion event reaches the DLT unchanged
        return DeadLetterListeners.factory(kafka.buildConsumerProperties(), new StringDeserializer(), template, Topics.STEP_COMPLETED,
                Topics.STEP_COMPLETED_DLT, meters, DeadLetterListeners.aFewRetries(),
                errors -> errors.addNotRetryableExceptions(IllegalArgumentException.class));
    }
}
