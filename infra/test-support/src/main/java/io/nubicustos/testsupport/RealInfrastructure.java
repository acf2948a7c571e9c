package io.nubicustos.testsupport;

import org.springframework.core.annotation.AliasFor;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A service's Spring test against the real thing: a fresh PostgreSQL database of its own (see
 * {@link FreshDatabase}) and a KRaft broker of its own, whose address is the service's
 * {@code spring.kafka.bootstrap-servers}. Put it beside {@code @SpringBootTest}; the test's own properties
 * (a {@code @DynamicPropertySource}, {@code properties = …}) still win.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
// why: each class has its own broker; a context cached past it would wait 30 s at exit to stop its consumers
@DirtiesContext
@EmbeddedKafka(partitions = 1, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
@ContextConfiguration(initializers = FreshDatabase.class)
public @interface RealInfrastructure {

    /** Partitions of each topic the broker creates itself. */
    @AliasFor(annotation = EmbeddedKafka.class, attribute = "partitions")
    int partitions() default 1;

    /** Topics the broker has before the service starts (others are created by the service's admin). */
    @AliasFor(annotation = EmbeddedKafka.class, attribute = "topics")
    String[] topics() default {};
}
