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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * Step commands are read as text and parsed by the listener, so that a record that is not a step
 * command goes to the dead-letter topic, unchanged and with the reason, instead of stopping the partition.
 */
@Configuration(proxyBeanMethods = false)
class WorkerKafkaConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> stepContainerFactory(
            KafkaProperties kafka, KafkaTemplate<String, String> template, MeterRegistry meters) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // why: raw text in, so that a record that is not a step command reaches the DLT unchanged
        var factory = new ConcurrentKafkaListenerContainerFactory<String, String>();
        var consumers = new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(), new StringDeserializer());
        // why: a factory of our own gets no metrics from Boot; the consumer lag is what an operator watches
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        factory.setConsumerFactory(consumers);
        var publisher = new DeadLetterPublishingRecoverer(template, (record, e) -> new TopicPartition(Topics.TOOL_STEPS_DLT, -1));
        Counter deadLetters = Counter.builder("nubicustos.dead.letters").tag("topic", Topics.TOOL_STEPS)
                .description("Records sent to the topic's dead-letter topic").register(meters);
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            publisher.accept(record, e);
            deadLetters.increment();
        };
        var errors = new DefaultErrorHandler(recoverer, new FixedBackOff(1_000, 5));
        errors.addNotRetryableExceptions(IllegalArgumentException.class);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
