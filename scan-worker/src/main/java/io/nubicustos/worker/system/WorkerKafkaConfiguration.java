package io.nubicustos.worker.system;

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
import org.springframework.util.backoff.FixedBackOff;

import java.util.Map;

/**
 * Step commands are read as text and parsed by the listener, so that a record that is not a step
 * command goes to the dead-letter topic, unchanged and with the reason, instead of stopping the partition.
 */
@Configuration(proxyBeanMethods = false)
class WorkerKafkaConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> stepContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // why: raw text in, so that a record that is not a step command reaches the DLT unchanged
        var factory = new ConcurrentKafkaListenerContainerFactory<String, String>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(), new StringDeserializer()));
        var recoverer = new DeadLetterPublishingRecoverer(template, (record, e) -> new TopicPartition(Topics.TOOL_STEPS_DLT, -1));
        var errors = new DefaultErrorHandler(recoverer, new FixedBackOff(1_000, 5));
        errors.addNotRetryableExceptions(IllegalArgumentException.class);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
