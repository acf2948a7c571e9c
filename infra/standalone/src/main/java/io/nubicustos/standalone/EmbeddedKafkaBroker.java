package io.nubicustos.standalone;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A real single-node KRaft broker in this JVM, listening on a fixed port so that producers outside
 * the process (other services, {@code kafka-console-producer}) can reach it, on loopback only unless
 * an operator opens it. The controller always listens on loopback. Its log directory is kept across
 * restarts: formatted once, then reused, so queued messages survive a restart.
 */
final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafkaBroker start(Path logDir, String host, int port, int controllerPort) {
        return start(logDir, host, port, controllerPort, NubicustosStandalone.Settings.LOOPBACK);
    }

    /**
     * @param host           the name clients are told to connect to (the advertised listener)
     * @param listenAddress  the address the broker listens on; loopback unless an operator opens it deliberately
     */
    static EmbeddedKafkaBroker start(Path logDir, String host, int port, int controllerPort, String listenAddress) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log directory " + logDir, e);
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        // why: anyone who can reach the broker can request scans without a key; it listens on loopback unless opened
        props.put("listeners", "PLAINTEXT://" + listenAddress + ":" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        // why: a producer must not make topics by naming them; the services create theirs (partitions, replicas) at start
        props.put("auto.create.topics.enable", "false");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            try {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .addDirectory(logDir.toAbsolutePath().toString())
                        .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setControllerListenerName("CONTROLLER")
                        .setIgnoreFormatted(true)
                        .run();
            } catch (Exception e) {
                throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(server, host + ":" + port);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
