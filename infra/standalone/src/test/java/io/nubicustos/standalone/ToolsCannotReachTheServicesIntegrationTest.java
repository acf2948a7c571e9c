package io.nubicustos.standalone;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.sun.net.httpserver.HttpServer;
import io.nubicustos.testsupport.StandInImage;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tool's container, on the tools' network, reaches none of the services' ports on the host: the API's, the
 * worker's and the processor's all listen on loopback by default (a hostile scanner image could otherwise start
 * scans of other profiles, read every finding or delete evidence). A listener of the host on every interface is
 * reached from the same container, so the check can fail. And the launcher refuses to open the API without a key.
 */
class ToolsCannotReachTheServicesIntegrationTest {

    static final DockerClient DOCKER = StandInTools.DOCKER;
    static final String NETWORK = "nubicustos_security-net";
    static final String PROBER = "nubicustos-test/port-prober:1";

    @Test
    void aToolContainerReachesNoServicePortOfTheHost() throws Exception {
        NubicustosStandalone system = RunningSystem.get();
        List<Integer> servicePorts = new ArrayList<>();
        for (ConfigurableApplicationContext context : system.contexts()) {
            servicePorts.add(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
        }
        assertThat(servicePorts).as("api-gateway, scan-worker, report-processor").hasSize(3);
        StandInImage.tagged(PROBER)
                // why: busybox's wget needs name services a scratch image lacks; nc connects to an address as it is
                .alsoRuns("for p in $PORTS; do if $B printf 'GET /actuator/health HTTP/1.0\\r\\n\\r\\n' | $B nc -w 3 $HOST_GATEWAY $p"
                        + " >/dev/null 2>&1; then $B echo open $p; else $B echo closed $p; fi; done")
                .exitsWith(0).buildWith(DOCKER);
        String gateway = toolsNetworkGateway();
        HttpServer control = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        control.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        control.start();
        try {
            List<String> ports = new ArrayList<>(servicePorts.stream().map(String::valueOf).toList());
            ports.add(String.valueOf(control.getAddress().getPort()));
            String output = probe(gateway, String.join(" ", ports));

            assertThat(output).as("a listener on every interface is reached: the probe can see the host")
                    .contains("open " + control.getAddress().getPort());
            for (int port : servicePorts) {
                assertThat(output).as("service port " + port).contains("closed " + port);
            }
        } finally {
            control.stop(0);
        }
    }

    @Test
    void theLauncherRefusesToOpenTheApiBeyondLoopbackWithoutAKey() {
        var open = new NubicustosStandalone.Settings(java.nio.file.Path.of("unused"), null, null, 0, 0, 0, 0, 0, 0, Map.of(),
                NubicustosStandalone.Settings.ALL_SERVICES, "0.0.0.0", "localhost");

        assertThatThrownBy(() -> NubicustosStandalone.refuseOpenWithoutKey(open)).hasMessageContaining("NUBICUSTOS_BIND=0.0.0.0")
                .hasMessageContaining("API_KEY");
        NubicustosStandalone.refuseOpenWithoutKey(open.withProperties(Map.of("nubicustos.api.key", "a-key-of-sixteen-chars")));
        NubicustosStandalone.refuseOpenWithoutKey(new NubicustosStandalone.Settings(java.nio.file.Path.of("unused"), null, null, 0, 0, 0,
                0, 0, 0, Map.of(), NubicustosStandalone.Settings.ALL_SERVICES, "localhost", "localhost"));
        assertThat(NubicustosStandalone.Settings.bind(Map.of("NUBICUSTOS_EMBEDDED_LISTEN_ADDRESS", "10.1.2.3"))).as("the older name")
                .isEqualTo("10.1.2.3");
        assertThat(NubicustosStandalone.Settings.bind(Map.of("NUBICUSTOS_BIND", "0.0.0.0", "NUBICUSTOS_EMBEDDED_LISTEN_ADDRESS", "10.1.2.3")))
                .isEqualTo("0.0.0.0");
        assertThat(NubicustosStandalone.Settings.bind(Map.of())).isEqualTo("127.0.0.1");
        // why: with every service in this JVM nothing else needs the broker (which has no keys) or the database
        assertThat(open.infrastructureAddress()).isEqualTo("127.0.0.1");
        assertThat(new NubicustosStandalone.Settings(java.nio.file.Path.of("unused"), null, null, 0, 0, 0, 0, 0, 0, Map.of(), java.util.Set.of(),
                "0.0.0.0", "localhost").infrastructureAddress()).as("NUBICUSTOS_SERVICES=none: the services run elsewhere").isEqualTo("0.0.0.0");
    }

    private static String toolsNetworkGateway() {
        List<Network> found = DOCKER.listNetworksCmd().withNameFilter(NETWORK).exec().stream().filter(n -> NETWORK.equals(n.getName())).toList();
        Network network = found.isEmpty()
                ? DOCKER.inspectNetworkCmd().withNetworkId(DOCKER.createNetworkCmd().withName(NETWORK).withDriver("bridge").exec().getId()).exec()
                : DOCKER.inspectNetworkCmd().withNetworkId(found.get(0).getId()).exec();
        return network.getIpam().getConfig().get(0).getGateway();
    }

    private static String probe(String gateway, String ports) throws InterruptedException {
        String id = DOCKER.createContainerCmd(PROBER).withEnv("HOST_GATEWAY=" + gateway, "PORTS=" + ports)
                .withLabels(Map.of("io.nubicustos.test", "port-prober"))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(NETWORK)).exec().getId();
        try {
            DOCKER.startContainerCmd(id).exec();
            DOCKER.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
            StringBuilder out = new StringBuilder();
            DOCKER.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion();
            return out.toString();
        } finally {
            DOCKER.removeContainerCmd(id).withForce(true).exec();
        }
    }
}
