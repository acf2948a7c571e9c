package io.nubicustos.gateway.intake;

import io.nubicustos.support.database.DatabaseUnavailable;
import io.nubicustos.support.kafka.DeadLetterListeners;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.backoff.ExponentialBackOff;

import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The intake consumer reads raw bytes, so that a record which is not even text still reaches the
 * listener and, from there, the dead-letter topic byte for byte. Invalid requests go to the DLT at
 * once with the reason in the {@code kafka_dlt-exception-message} header. A valid request that fails
 * because the database is unavailable is retried with back-off for as long as the outage lasts, never
 * dead-lettered: nothing else could be done with it meanwhile. Any other error (a bug) is retried for a
 * few minutes and then dead-lettered, so it cannot block the partition for good.
 */
@Configuration(proxyBeanMethods = false)
class IntakeKafkaConfiguration {

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> scanRequestContainerFactory(KafkaProperties kafka, MeterRegistry meters) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "nubicustos-api-intake");
        Map<String, Object> producer = kafka.buildProducerProperties();
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaTemplate<String, byte[]> dlt = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(300_000);
        return DeadLetterListeners.factory(consumer, new ByteArrayDeserializer(), dlt, Topics.SCAN_REQUESTS, Topics.SCAN_REQUESTS_DLT,
                meters, backOff, errors -> {
                    errors.addNotRetryableExceptions(InvalidScanRequest.class);
                    errors.setBackOffFunction((record, e) -> DatabaseUnavailable.orTransient(e) ? untilTheDatabaseIsBack() : null);
                });
    }

    private static ExponentialBackOff untilTheDatabaseIsBack() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        return backOff;
    }
}
