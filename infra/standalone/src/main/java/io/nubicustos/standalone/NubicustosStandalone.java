package io.nubicustos.standalone;

import io.nubicustos.gateway.ApiGatewayApplication;
import io.nubicustos.processor.ReportProcessorApplication;
import io.nubicustos.worker.ScanWorkerApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The whole system in one JVM: an embedded KRaft broker and embedded PostgreSQL (unless external ones
 * are configured), then the api-gateway, the scan-worker and the report-processor, each in its own
 * Spring context with its own config file and port, exactly as they run as separate services.
 *
 * <p>Environment: {@code NUBICUSTOS_DATA_DIR} (default {@code ./data}: Kafka log, PostgreSQL data,
 * reports, credentials), {@code DATABASE_URL}/{@code DATABASE_USER}/{@code DATABASE_PASSWORD} and
 * {@code KAFKA_BOOTSTRAP_SERVERS} to use external servers, {@code KAFKA_PORT} (9092) and
 * {@code EMBEDDED_POSTGRES_PORT} (54329) for the embedded ones, {@code PORT} (8000) for the API,
 * {@code NUBICUSTOS_SERVICES} (default {@code api-gateway,scan-worker,report-processor}; {@code none}
 * starts only the embedded Kafka and PostgreSQL, for services run as separate processes),
 * {@code NUBICUSTOS_BIND} (default {@code 127.0.0.1}: every listener the standalone opens — the API, the embedded
 * Kafka and PostgreSQL — is reachable from this machine only; {@code NUBICUSTOS_EMBEDDED_LISTEN_ADDRESS} is its
 * older name) and {@code KAFKA_ADVERTISED_HOST} (default {@code localhost}). The worker's and the processor's ports
 * serve only their actuator (health, metrics) and stay on loopback whatever the bind: they have no keys. Opening
 * the API beyond loopback without a key is refused at start.
 */
public final class NubicustosStandalone implements AutoCloseable {

    static {
        // why: before the first logger of this process is made (the field below); see nubicustos-early-logback.xml
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "nubicustos-early-logback.xml");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(NubicustosStandalone.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private int apiPort;
    private boolean closed;

    private NubicustosStandalone() {
    }

    public static void main(String[] args) {
        NubicustosStandalone system = new NubicustosStandalone();
        // why: registered before anything starts, so that a SIGTERM while booting still stops embedded PostgreSQL
        // (its own hook is off: it would stop the database under services that still use it)
        Runtime.getRuntime().addShutdownHook(new Thread(system::close, "nubicustos-shutdown"));
        system.bootOrClose(Settings.fromEnvironment(System.getenv()));
        if (system.apiPort() > 0) {
            log.info("Nubicustos is up: API on http://localhost:{}/api/scans/profiles/list", system.apiPort());
        } else {
            log.info("Embedded infrastructure is up; no service was asked for (NUBICUSTOS_SERVICES)");
        }
    }

    public static NubicustosStandalone start(Settings settings) {
        NubicustosStandalone system = new NubicustosStandalone();
        system.bootOrClose(settings);
        return system;
    }

    private void bootOrClose(Settings settings) {
        try {
            boot(settings);
        } catch (RuntimeException | Error e) {
            // why: what booted (the embedded database above all) must not outlive a failed start
            close();
            throw e;
        }
    }

    private void boot(Settings settings) {
        refuseOpenWithoutKey(settings);
        Map<String, String> common = new LinkedHashMap<>();
        if (settings.databaseUrl() == null) {
            EmbeddedDatabase database = EmbeddedDatabase.start(settings.dataDir().resolve("postgres"), settings.postgresPort(),
                    settings.infrastructureAddress());
            keep(database);
            common.put("spring.datasource.url", database.jdbcUrl());
            common.put("spring.datasource.username", "postgres");
            common.put("spring.datasource.password", database.password());
            log.info("Embedded PostgreSQL at {}", database.jdbcUrl());
        } else {
            common.put("spring.datasource.url", settings.databaseUrl());
        }
        if (settings.kafkaBootstrapServers() == null) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(settings.dataDir().resolve("kafka"), settings.advertisedHost(),
                    settings.kafkaPort(), settings.kafkaControllerPort(), settings.infrastructureAddress());
            keep(broker);
            common.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
            log.info("Embedded Kafka broker at {}", broker.bootstrapServers());
        } else {
            common.put("spring.kafka.bootstrap-servers", settings.kafkaBootstrapServers());
        }
        Path reports = settings.dataDir().resolve("reports").toAbsolutePath();
        Path credentials = settings.dataDir().resolve("credentials").toAbsolutePath();
        try {
            Files.createDirectories(reports);
            Files.createDirectories(credentials.resolve("aws"));
            Files.createDirectories(credentials.resolve("kube"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + settings.dataDir(), e);
        }
        common.putIfAbsent("nubicustos.reports.path", reports.toString());
        common.putIfAbsent("nubicustos.archives.path", settings.dataDir().resolve("archives").toAbsolutePath().toString());
        common.putIfAbsent("nubicustos.credentials.aws-path", credentials.resolve("aws").toString());
        common.putIfAbsent("nubicustos.credentials.kube-path", credentials.resolve("kube").toString());
        common.putAll(settings.properties());

        if (settings.services().contains(ApiGatewayApplication.CONFIG_NAME)) {
            ConfigurableApplicationContext api = run(ApiGatewayApplication.class, ApiGatewayApplication.CONFIG_NAME, settings.apiPort(),
                    settings.listenAddress(), common);
            apiPort = Integer.parseInt(api.getEnvironment().getProperty("local.server.port", "0"));
        }
        // why: these ports serve only an actuator, with no key to ask for: they never leave loopback
        if (settings.services().contains(ScanWorkerApplication.CONFIG_NAME)) {
            run(ScanWorkerApplication.class, ScanWorkerApplication.CONFIG_NAME, settings.workerPort(), Settings.LOOPBACK, common);
        }
        if (settings.services().contains(ReportProcessorApplication.CONFIG_NAME)) {
            run(ReportProcessorApplication.class, ReportProcessorApplication.CONFIG_NAME, settings.processorPort(), Settings.LOOPBACK, common);
        }
    }

    /**
     * An API opened beyond this machine with no key would let anyone who reaches it — a tool container on the tools'
     * network among them — start scans of any profile, read every finding and delete evidence.
     */
    static void refuseOpenWithoutKey(Settings settings) {
        if (!settings.services().contains(ApiGatewayApplication.CONFIG_NAME) || Settings.isLoopback(settings.listenAddress())) {
            return;
        }
        boolean keyed = Stream.of(settings.properties().get("nubicustos.api.keys"), settings.properties().get("nubicustos.api.key"),
                settings.properties().get("nubicustos.oidc.issuer-uri"), System.getenv("API_KEY"), System.getenv("NUBICUSTOS_API_KEYS"),
                System.getenv("NUBICUSTOS_OIDC_ISSUER_URI")).anyMatch(v -> v != null && !v.isBlank());
        if (!keyed) {
            throw new IllegalStateException("NUBICUSTOS_BIND=" + settings.listenAddress() + " opens the API beyond this machine, and no key"
                    + " is configured: set API_KEY (or NUBICUSTOS_API_KEYS), or keep NUBICUSTOS_BIND=127.0.0.1");
        }
    }

    private ConfigurableApplicationContext run(Class<?> app, String configName, int port, String address, Map<String, String> common) {
        List<String> args = new ArrayList<>();
        // why: command-line arguments outrank the services' own config files, which default to external servers
        args.add("--spring.config.name=" + configName);
        args.add("--server.port=" + port);
        args.add("--server.address=" + address);
        // why: one JVM has one logging system, set up by the first service to start; its name would label every service's lines
        args.add("--logging.include-application-name=false");
        common.forEach((key, value) -> args.add("--" + key + "=" + value));
        // why: the early configuration has done its work (logback read it at its start); Spring Boot warns when it is still set
        if ("nubicustos-early-logback.xml".equals(System.getProperty("logback.configurationFile"))) {
            System.clearProperty("logback.configurationFile");
        }
        // why: the launcher closes the services before the broker and the database they use (see close()); their own
        // shutdown hooks would race it and wait on a broker that is already gone
        ConfigurableApplicationContext context = new SpringApplicationBuilder(app).registerShutdownHook(false)
                .run(args.toArray(String[]::new));
        keep(context);
        return context;
    }

    public int apiPort() {
        return apiPort;
    }

    /** The running service contexts, api-gateway first (for tests that need a bean). */
    public synchronized List<ConfigurableApplicationContext> contexts() {
        return List.copyOf(contexts);
    }

    /** Keeps what booted for close(); what boots after a close (a SIGTERM while booting) is closed at once. */
    private synchronized void keep(AutoCloseable resource) {
        if (closed) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resource, e.toString());
            }
            throw new IllegalStateException("the system is stopping");
        }
        if (resource instanceof ConfigurableApplicationContext context) {
            contexts.add(context);
        } else {
            resources.add(resource);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (int i = contexts.size() - 1; i >= 0; i--) {
            try {
                contexts.get(i).close();
            } catch (RuntimeException e) {
                log.warn("Closing a service failed: {}", e.toString());
            }
        }
        contexts.clear();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing an embedded server failed: {}", e.toString());
            }
        }
        resources.clear();
    }

    /**
     * @param dataDir                everything the standalone system keeps
     * @param databaseUrl            external PostgreSQL, or null for the embedded one
     * @param kafkaBootstrapServers  external Kafka, or null for the embedded broker
     * @param kafkaPort              the embedded broker's port
     * @param kafkaControllerPort    the embedded broker's controller port
     * @param postgresPort           the embedded PostgreSQL's port
     * @param apiPort                api-gateway HTTP port (0: any free port)
     * @param workerPort             scan-worker HTTP (actuator) port
     * @param processorPort          report-processor HTTP (actuator) port
     * @param properties             any further service properties
     * @param services               which services to start (their config names)
     * @param listenAddress          where the embedded Kafka and PostgreSQL listen ({@link #LOOPBACK} by default)
     * @param advertisedHost         the host name the embedded broker gives its clients
     */
    public record Settings(Path dataDir, String databaseUrl, String kafkaBootstrapServers, int kafkaPort,
                           int kafkaControllerPort, int postgresPort, int apiPort, int workerPort, int processorPort,
                           Map<String, String> properties, Set<String> services, String listenAddress,
                           String advertisedHost) {

        public static final Set<String> ALL_SERVICES = Set.of(
                ApiGatewayApplication.CONFIG_NAME, ScanWorkerApplication.CONFIG_NAME, ReportProcessorApplication.CONFIG_NAME);
        /** The embedded servers' default: reachable from this machine only. */
        public static final String LOOPBACK = "127.0.0.1";

        public Settings(Path dataDir, String databaseUrl, String kafkaBootstrapServers, int kafkaPort, int kafkaControllerPort,
                        int postgresPort, int apiPort, int workerPort, int processorPort, Map<String, String> properties,
                        Set<String> services) {
            this(dataDir, databaseUrl, kafkaBootstrapServers, kafkaPort, kafkaControllerPort, postgresPort, apiPort, workerPort,
                    processorPort, properties, services, LOOPBACK, "localhost");
        }

        public Settings(Path dataDir, String databaseUrl, String kafkaBootstrapServers, int kafkaPort, int kafkaControllerPort,
                        int postgresPort, int apiPort, int workerPort, int processorPort, Map<String, String> properties) {
            this(dataDir, databaseUrl, kafkaBootstrapServers, kafkaPort, kafkaControllerPort, postgresPort, apiPort, workerPort,
                    processorPort, properties, ALL_SERVICES);
        }

        public static Settings fromEnvironment(Map<String, String> env) {
            return new Settings(
                    Path.of(env.getOrDefault("NUBICUSTOS_DATA_DIR", "data")).toAbsolutePath(),
                    blankToNull(env.get("DATABASE_URL")),
                    blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS")),
                    Integer.parseInt(env.getOrDefault("KAFKA_PORT", "9092")),
                    Integer.parseInt(env.getOrDefault("KAFKA_CONTROLLER_PORT", "9093")),
                    Integer.parseInt(env.getOrDefault("EMBEDDED_POSTGRES_PORT", "54329")),
                    Integer.parseInt(env.getOrDefault("PORT", "8000")),
                    Integer.parseInt(env.getOrDefault("WORKER_PORT", "8001")),
                    Integer.parseInt(env.getOrDefault("PROCESSOR_PORT", "8002")),
                    Map.of(),
                    services(env.getOrDefault("NUBICUSTOS_SERVICES", String.join(",", ALL_SERVICES))),
                    bind(env),
                    env.getOrDefault("KAFKA_ADVERTISED_HOST", "localhost"));
        }

        public Settings withProperties(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(properties);
            all.putAll(more);
            return new Settings(dataDir, databaseUrl, kafkaBootstrapServers, kafkaPort, kafkaControllerPort, postgresPort,
                    apiPort, workerPort, processorPort, all, services, listenAddress, advertisedHost);
        }

        /**
         * Where the embedded Kafka and PostgreSQL listen: the bind only when a service runs elsewhere and must reach them
         * (NUBICUSTOS_SERVICES names fewer than all three); with every service in this JVM they stay on loopback, since
         * the broker has no keys (anyone who reached it could request scans) and the database is the truth.
         */
        String infrastructureAddress() {
            return services.containsAll(ALL_SERVICES) ? LOOPBACK : listenAddress;
        }

        /** NUBICUSTOS_BIND, else its older name NUBICUSTOS_EMBEDDED_LISTEN_ADDRESS, else loopback. */
        static String bind(Map<String, String> env) {
            String bind = blankToNull(env.get("NUBICUSTOS_BIND"));
            String alias = blankToNull(env.get("NUBICUSTOS_EMBEDDED_LISTEN_ADDRESS"));
            return bind != null ? bind : alias != null ? alias : LOOPBACK;
        }

        /** Whether an address is this machine's loopback (a name is resolved: {@code localhost} is). */
        static boolean isLoopback(String address) {
            try {
                return java.net.InetAddress.getByName(address).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        static Set<String> services(String list) {
            Set<String> chosen = new HashSet<>();
            for (String name : list.split(",")) {
                String service = name.trim();
                if (service.isEmpty() || service.equals("none")) {
                    continue;
                }
                if (!ALL_SERVICES.contains(service)) {
                    throw new IllegalArgumentException("NUBICUSTOS_SERVICES names unknown service '" + service + "'; known: " + ALL_SERVICES);
                }
                chosen.add(service);
            }
            return Set.copyOf(chosen);
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }
}
