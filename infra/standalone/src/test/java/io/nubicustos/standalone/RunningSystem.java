package io.nubicustos.standalone;

import io.nubicustos.testsupport.StandIns;
import io.nubicustos.testsupport.TestDirectories;
import io.nubicustos.testsupport.TestPostgres;
import io.nubicustos.testsupport.TestShutdown;

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
            [security]
            aws_access_key_id = AKIAEXAMPLESECURITY
            aws_secret_access_key = security-account-secret
            [consensus]
            aws_access_key_id = AKIAEXAMPLECONSENSUS
            aws_secret_access_key = consensus-secret
            [byo]
            aws_access_key_id = AKIAEXAMPLEBYO
            aws_secret_access_key = byo-secret
            [cli-account]
            aws_access_key_id = AKIAEXAMPLECLI
            aws_secret_access_key = cli-secret
            """ + CampaignEndToEndTest.profiles();

    private static NubicustosStandalone system;
    private static Path data;
    private static int kafkaPort;
    private static String installation;

    /** The worker's graph password, which Cartography's step is given by name (and which its log never shows). */
    static final String NEO4J_PASSWORD_NAME = "NEO4J_PASSWORD";
    static final String NEO4J_PASSWORD = "e2e-graph-password-4f1c";
    static final String AZURE_CLIENT_SECRET = "e2e-azure-secret-9b2d";

    private RunningSystem() {
    }

    static synchronized NubicustosStandalone get() {
        if (system == null) {
            try {
                data = TestDirectories.create("nubicustos-e2e");
                Files.createDirectories(data.resolve("credentials/aws"));
                Files.writeString(data.resolve("credentials/aws/credentials"), CREDENTIALS);
                kafkaPort = Ports.free();
                String database = TestPostgres.newDatabase();
                system = NubicustosStandalone.start(new NubicustosStandalone.Settings(data, database, null,
                        kafkaPort, Ports.free(), 0, 8000, 0, 0, Map.ofEntries(
                        Map.entry("spring.datasource.username", "postgres"), Map.entry("spring.datasource.password", ""),
                        Map.entry("nubicustos.worker.poll-interval", "500ms"), Map.entry("nubicustos.processor.sweep-interval", "1s"),
                        Map.entry("nubicustos.outbox.poll-interval", "200ms"), Map.entry("nubicustos.webhooks.poll-interval", "200ms"),
                        Map.entry("nubicustos.webhooks.retry-backoff", "300ms"), Map.entry("nubicustos.logs.follow-interval", "100ms"),
                        Map.entry("nubicustos.webhooks.allow-private-addresses", "true"),
                        // why: beside the console's plain lines, the structured JSON a log pipeline reads (TracingEndToEndTest)
                        Map.entry("logging.file.name", data.resolve("nubicustos.json.log").toString()),
                        Map.entry("logging.structured.format.file", "logstash"),
                        Map.entry("logging.level.io.nubicustos.gateway.scan.ScanCreator", "DEBUG"),
                        // why: the comprehensive profile's Cartography runs only where a Neo4j is configured (its stand-in needs none)
                        Map.entry("nubicustos.tool-services.neo4j", "bolt://neo4j:7687"), Map.entry(NEO4J_PASSWORD_NAME, NEO4J_PASSWORD),
                        // why: beside the stand-ins, the two bring-your-own tools and their profile (BringYourOwnScannerEndToEndTest);
                        // only this shared system has them: the systems other tests start list the specification's profiles
                        Map.entry(StandIns.OVERLAY_PROPERTY, overlays()),
                        // why: the bring-your-own overlay's Prowler for Azure takes its service principal by name
                        Map.entry("nubicustos.worker.passed-environment", "NEO4J_PASSWORD,AZURE_CLIENT_ID,AZURE_TENANT_ID,AZURE_CLIENT_SECRET"),
                        Map.entry("AZURE_CLIENT_ID", "e2e-client"), Map.entry("AZURE_TENANT_ID", "e2e-tenant"),
                        Map.entry("AZURE_CLIENT_SECRET", AZURE_CLIENT_SECRET))));
                try (var connection = java.sql.DriverManager.getConnection(database, "postgres", "");
                     var rows = connection.createStatement().executeQuery("select id from installation")) {
                    rows.next();
                    installation = rows.getString(1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("the standalone system's installation id could not be read", e);
            }
            TestShutdown.register(TestShutdown.Stage.SYSTEMS, () -> {
                system.close();
                // why: systems of this JVM that closed while a tool ran left their containers; nothing else reaps them now
                StandInTools.managedContainers().forEach(c -> StandInTools.DOCKER.removeContainerCmd(c.getId()).withForce(true).exec());
            });
        }
        // why: a test class that ran its own system (an installation of its own) and closed it while a tool ran left the
        // container; this system's reaper leaves other installations' containers alone, so the tests clear them here
        StandInTools.managedContainers().stream()
                .filter(c -> !installation.equals(c.getLabels().get("io.nubicustos.installation")))
                .forEach(c -> StandInTools.DOCKER.removeContainerCmd(c.getId()).withForce(true).exec());
        return system;
    }

    /** The stand-in overlay, then the bring-your-own stand-ins' (infra/dev/standin-byo-catalog.yaml). */
    static String overlays() {
        return StandIns.overlay() + "," + StandIns.overlay().resolveSibling("standin-byo-catalog.yaml");
    }

    /** The shared system's data directory (reports under {@code reports/<scan>/<tool>/}). */
    static Path data() {
        get();
        return data;
    }

    /** The shared system's log as structured JSON (logstash format), one object per line. */
    static Path jsonLog() {
        return data().resolve("nubicustos.json.log");
    }

    /** A consumer of the shared system's broker, in a group of its own, reading {@code topics} from their beginning. */
    static org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumerFromStart(java.util.List<String> topics) {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", "localhost:" + kafkaPort());
        props.put("group.id", "check-" + java.util.UUID.randomUUID());
        props.put("auto.offset.reset", "earliest");
        props.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(props);
        consumer.subscribe(topics);
        return consumer;
    }

    static Api api() {
        return new Api(get().apiPort());
    }

    static int kafkaPort() {
        get();
        return kafkaPort;
    }
}
