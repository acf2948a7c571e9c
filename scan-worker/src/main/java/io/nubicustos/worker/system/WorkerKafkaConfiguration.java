package io.nubicustos.worker.system;

import io.nubicustos.support.kafka.DeadLetterListeners;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Step commands are read as text and parsed by the listener, so that a record that is not a step
 * command goes to the dead-letter topic, unchanged and with the reason, instead of stopping the partition.
 */
@Configuration(proxyBeanMethods = false)
class WorkerKafkaConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> stepContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template, MeterRegistry meters) {
        return DeadLetterListeners.factory(kafka.buildConsumerProperties(), new StringDeserializer(), template, Topics.TOOL_STEPS,
                Topics.TOOL_STEPS_DLT, meters, DeadLetterListeners.aFewRetries(),
                errors -> errors.addNotRetryableExceptions(IllegalArgumentException.class));
    }
}
