package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One whole system per test JVM, shared by the end-to-end test classes: an embedded KRaft broker, a
 * real PostgreSQL, the real Docker engine, the API on port 8000 as in the specification.
 */
final class RunningSystem {

    static final String CREDENTIALS = """
            [default]
            aws_access_key_id = AKIAEXAMPLE
            aws_secret_access_key = example
            [diff-account]
            aws_access_key_id = AKIAEXAMPLE2
            aws_secret_access_key = example2
            [monitored-account]
            aws_access_key_id = AKIAEXAMPLE3
            aws_secret_access_key = example3
            """;

    private static NubicustosStandalone system;
    private static int kafkaPort;

    private RunningSystem() {
    }

    static synchronized NubicustosStandalone get() {
        if (system == null) {
            try {
                Path data = Files.createTempDirectory("nubicustos-e2e");
                Files.createDirectories(data.resolve("credentials/aws"));
                Files.writeString(data.resolve("credentials/aws/credentials"), CREDENTIALS);
                kafkaPort = Ports.free();
                system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, TestPostgres.newDatabase(), null,
                        kafkaPort, Ports.free(), 0, 8000, 0, 0, Map.of(
                        "spring.datasource.username", "postgres", "spring.datasource.password", "",
                        "nubicustos.worker.poll-interval", "500ms", "nubicustos.processor.sweep-interval", "1s",
                        "nubicustos.outbox.poll-interval", "200ms", "nubicustos.webhooks.poll-interval", "200ms",
                        "nubicustos.webhooks.retry-backoff", "300ms", "nubicustos.logs.follow-interval", "100ms",
                        "nubicustos.webhooks.allow-private-addresses", "true")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(system::close));
        }
        return system;
    }

    static Api api() {
        return new Api(get().apiPort());
    }

    static int kafkaPort() {
        get();
        return kafkaPort;
    }
}
