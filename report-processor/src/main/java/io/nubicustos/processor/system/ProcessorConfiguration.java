package io.nubicustos.processor.system;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.messaging.StepCompleted;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.FixedBackOff;

import java.time.Clock;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class ProcessorConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ToolCatalog toolCatalog(ProcessorProperties properties) {
        return ToolCatalog.loadOrBuiltIn(properties.catalog());
    }

    @Bean
    KafkaAdmin.NewTopics processorTopics() {
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.STEP_COMPLETED).partitions(6).build(),
                TopicBuilder.name(Topics.STEP_COMPLETED_DLT).partitions(1).build());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, StepCompleted> completionContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        JacksonJsonDeserializer<StepCompleted> json = new JacksonJsonDeserializer<>(StepCompleted.class);
        json.setUseTypeHeaders(false);
        json.addTrustedPackages("*");
        var factory = new ConcurrentKafkaListenerContainerFactory<String, StepCompleted>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(json)));
        var recoverer = new DeadLetterPublishingRecoverer(template, (record, e) -> new TopicPartition(Topics.STEP_COMPLETED_DLT, -1));
        var errors = new DefaultErrorHandler(recoverer, new FixedBackOff(1_000, 5));
        errors.addNotRetryableExceptions(DeserializationException.class, IllegalArgumentException.class);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
