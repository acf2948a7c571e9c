package io.nubicustos.support.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The listener containers of every topic the services consume, built one way: values read raw (text or bytes) so
 * that a record the listener cannot use still reaches the dead-letter topic unchanged, with the reason in its
 * {@code kafka_dlt-exception-*} headers; {@code nubicustos.dead.letters{topic}} counted; consumer metrics (the lag an
 * operator watches) registered, which Boot does not do for a factory of one's own; reading from the earliest offset,
 * so a group's first start misses no wake-up.
 */
public final class DeadLetterListeners {

    /** A record that fails this often, a second apart, is a bug's and goes to the dead-letter topic. */
    public static BackOff aFewRetries() {
        return new FixedBackOff(1_000, 5);
    }

    private DeadLetterListeners() {
    }

    /**
     * @param consumer      the consumer's properties (Boot's, with any of the topic's own)
     * @param values        how values are read
     * @param deadLetters   the producer that writes the dead-letter topic, with a serializer for {@code values}' type
     * @param retries       how a failing record is retried before it is dead-lettered
     * @param policy        the topic's own rules on top (failures that dead-letter a record at once, a back-off per failure)
     */
    public static <V> ConcurrentKafkaListenerContainerFactory<String, V> factory(Map<String, Object> consumer, Deserializer<V> values,
            KafkaOperations<String, V> deadLetters, String topic, String deadLetterTopic, MeterRegistry meters, BackOff retries,
            Consumer<DefaultErrorHandler> policy) {
        Map<String, Object> properties = new HashMap<>(consumer);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var consumers = new DefaultKafkaConsumerFactory<>(properties, new StringDeserializer(), values);
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, V>();
        factory.setConsumerFactory(consumers);
        DefaultErrorHandler errors = errorHandler(deadLetters, topic, deadLetterTopic, meters, retries);
        policy.accept(errors);
        factory.setCommonErrorHandler(errors);
        // why: a listener continues the trace of the record it reads (traceparent header) and counts as a Micrometer observation
        factory.getContainerProperties().setObservationEnabled(true);
        return factory;
    }

    private static <V> DefaultErrorHandler errorHandler(KafkaOperations<String, V> deadLetters, String topic, String deadLetterTopic,
            MeterRegistry meters, BackOff retries) {
        var publisher = new DeadLetterPublishingRecoverer(deadLetters, (record, e) -> new TopicPartition(deadLetterTopic, -1));
        Counter counted = Counter.builder("nubicustos.dead.letters").tag("topic", topic)
                .description("Records sent to the topic's dead-letter topic").register(meters);
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            publisher.accept(record, e);
            counted.increment();
        };
        return new DefaultErrorHandler(recoverer, retries);
    }
}
