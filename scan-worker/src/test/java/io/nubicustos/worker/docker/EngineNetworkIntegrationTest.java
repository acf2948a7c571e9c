package io.nubicustos.worker.docker;

import com.github.dockerjava.api.model.Network;
import io.nubicustos.testsupport.DockerEngineProcess;
import io.nubicustos.testsupport.TestPostgres;
import io.nubicustos.worker.system.WorkerProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh Docker engine shared by two workers (two runners, each with its own client, as two processes would
 * have), every slot of both preparing the tool network at once: the engine ends with one network of that name,
 * and every slot attaches to it by its id. Docker's own duplicate check is not atomic; without a lock across
 * workers two networks of one name appear, and every container attached by that name is refused.
 */
// why: starts Docker engines of its own; -DexcludedGroups=extra-docker-engine leaves it out on a machine that cannot
@Tag("extra-docker-engine")
class EngineNetworkIntegrationTest {

    static final String NETWORK = "nubicustos_security-net";

    static DockerEngineProcess engine;
    static EngineLocks locks;
    static final List<DockerEngine> clients = new ArrayList<>();

    @BeforeAll
    static void engineAndDatabase() {
        engine = DockerEngineProcess.start(false);
        DriverManagerDataSource database = new DriverManagerDataSource(TestPostgres.newDatabase(), "postgres", "");
        locks = new EngineLocks(JdbcClient.create(database), new TransactionTemplate(new DataSourceTransactionManager(database)));
    }

    @AfterAll
    static void stop() {
        clients.forEach(DockerEngine::close);
        engine.close();
    }

    @Test
    void manyStepsOfTwoWorkersPreparingAFreshEngineAtOnceMakeOneNetwork() throws Exception {
        for (int round = 0; round < 5; round++) {
            List<ContainerRunner> workers = List.of(runner(), runner());
            ExecutorService slots = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> ids = new ArrayList<>();
            for (int slot = 0; slot < 8; slot++) {
                ContainerRunner worker = workers.get(slot % 2);
                ids.add(slots.submit(() -> {
                    go.await();
                    return worker.ensureNetwork(NETWORK);
                }));
            }
            go.countDown();
            Set<String> answered = ConcurrentHashMap.newKeySet();
            for (Future<String> id : ids) {
                answered.add(id.get());
            }
            slots.shutdown();
            List<Network> networks = networksNamed();
            assertThat(networks).as("round %d", round).hasSize(1);
            assertThat(answered).as("every slot attaches to the one network, by id").containsExactly(networks.get(0).getId());
            engine.client().removeNetworkCmd(networks.get(0).getId()).exec();
        }
    }

    @Test
    void anEngineThatAlreadyHasTwoNetworksOfOneNameIsRepaired() {
        List<String> made = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                made.add(engine.client().createNetworkCmd().withName(NETWORK + "-dup").withDriver("bridge").withCheckDuplicate(false).exec().getId());
            }
        } catch (RuntimeException refused) {
            Assumptions.abort("this engine refuses a second network of one name, so it cannot have duplicates to repair: " + refused.getMessage());
        }
        assertThat(networksNamed(NETWORK + "-dup")).hasSize(2);

        String kept = runner().ensureNetwork(NETWORK + "-dup");

        assertThat(networksNamed(NETWORK + "-dup")).extracting(Network::getId).containsExactly(kept);
        assertThat(kept).as("every worker keeps the same one: the lowest id").isEqualTo(made.stream().sorted().findFirst().orElseThrow());
        engine.client().removeNetworkCmd(kept).exec();
    }

    private static ContainerRunner runner() {
        WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of("nubicustos.docker.host", engine.host())))
                .bindOrCreate("nubicustos", WorkerProperties.class);
        DockerEngine client = new DockerEngine(properties, Clock.systemUTC());
        clients.add(client);
        return new ContainerRunner(client, locks, properties, new io.nubicustos.worker.system.InstallationId("network-test"));
    }

    private static List<Network> networksNamed() {
        return networksNamed(NETWORK);
    }

    private static List<Network> networksNamed(String name) {
        return engine.client().listNetworksCmd().exec().stream().filter(n -> name.equals(n.getName())).toList();
    }
}
