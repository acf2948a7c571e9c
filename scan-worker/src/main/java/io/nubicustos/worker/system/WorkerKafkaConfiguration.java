package io.nubicustos.worker.system;

import io.nubicustos.model.messaging.StepCommand;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.util.backoff.FixedBackOff;

import java.util.Map;

/**
 * Step commands are read with an {@link ErrorHandlingDeserializer}, so that a record that is not a
 * step command goes to the dead-letter topic with the reason instead of stopping the partition.
 */
@Configuration(proxyBeanMethods = false)
class WorkerKafkaConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, StepCommand> stepContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        JacksonJsonDeserializer<StepCommand> json = new JacksonJsonDeserializer<>(StepCommand.class);
        json.setUseTypeHeaders(false);
        json.addTrustedPackages("*");
        var factory = new ConcurrentKafkaListenerContainerFactory<String, StepCommand>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(json)));
        var recoverer = new DeadLetterPublishingRecoverer(template, (record, e) -> new TopicPartition(Topics.TOOL_STEPS_DLT, -1));
        var errors = new DefaultErrorHandler(recoverer, new FixedBackOff(1_000, 5));
        errors.addNotRetryableExceptions(DeserializationException.class, IllegalArgumentException.class);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
