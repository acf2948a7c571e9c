package io.nubicustos.gateway.intake;

import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.ExponentialBackOff;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Map;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

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
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        DefaultKafkaConsumerFactory<String, byte[]> consumers = new DefaultKafkaConsumerFactory<>(consumer);
        // why: a factory of our own gets no metrics from Boot; the consumer lag is what an operator watches
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        factory.setConsumerFactory(consumers);

        Map<String, Object> producer = kafka.buildProducerProperties();
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaTemplate<String, byte[]> dlt = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
        var publisher = new DeadLetterPublishingRecoverer(dlt, (record, e) -> new TopicPartition(Topics.SCAN_REQUESTS_DLT, -1));
        Counter deadLetters = Counter.builder("nubicustos.dead.letters").tag("topic", Topics.SCAN_REQUESTS)
                .description("Records sent to the topic's dead-letter topic").register(meters);
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            publisher.accept(record, e);
            deadLetters.increment();
        };
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(300_000);
        var errors = new DefaultErrorHandler(recoverer, backOff);
        errors.addNotRetryableExceptions(InvalidScanRequest.class);
        errors.setBackOffFunction((record, e) -> databaseUnavailable(e) ? untilTheDatabaseIsBack() : null);
        factory.setCommonErrorHandler(errors);
        return factory;
    }

    private static ExponentialBackOff untilTheDatabaseIsBack() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        return backOff;
    }

    /** Whether the failure is the database being unreachable (connection refused, no connection to be had, timed out). */
    static boolean databaseUnavailable(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof TransientDataAccessException || e instanceof DataAccessResourceFailureException
                    || e instanceof CannotCreateTransactionException || e instanceof SQLTransientException
                    || e instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }
}
