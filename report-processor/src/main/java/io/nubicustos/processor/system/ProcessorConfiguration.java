package io.nubicustos.processor.system;

import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.messaging.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import java.time.Clock;
import java.util.Map;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

@Configuration(proxyBeanMethods = false)
class ProcessorConfiguration {

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
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // why: raw text in, so that a record that is not a completion event reaches the DLT unchanged
        var factory = new ConcurrentKafkaListenerContainerFactory<String, String>();
        var consumers = new DefaultKafkaConsumerFactory<>(consumer, new StringDeserializer(), new StringDeserializer());
        // why: a factory of our own gets no metrics from Boot; the consumer lag is what an operator watches
        consumers.addListener(new MicrometerConsumerListener<>(meters));
        factory.setConsumerFactory(consumers);
        var publisher = new DeadLetterPublishingRecoverer(template, (record, e) -> new TopicPartition(Topics.STEP_COMPLETED_DLT, -1));
        Counter deadLetters = Counter.builder("nubicustos.dead.letters").tag("topic", Topics.STEP_COMPLETED)
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
