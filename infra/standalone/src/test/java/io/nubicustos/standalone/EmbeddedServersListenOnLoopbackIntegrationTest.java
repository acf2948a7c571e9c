package io.nubicustos.standalone;

import io.nubicustos.testsupport.TestDirectories;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded Kafka broker and PostgreSQL are reachable from this machine only, by default: anyone who
 * reaches the broker could request scans without an API key, and anyone who reaches the database could
 * change any scan.
 */
class EmbeddedServersListenOnLoopbackIntegrationTest {

    @Test
    void theEmbeddedBrokerAndDatabaseDoNotListenOnTheMachinesOtherAddresses() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        Path data = TestDirectories.create("nubicustos-listen");
        int kafkaPort = Ports.free();
        int controllerPort = Ports.free();
        int postgresPort = Ports.free();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data.resolve("kafka"), "localhost", kafkaPort, controllerPort);
             EmbeddedDatabase database = EmbeddedDatabase.start(data.resolve("postgres"), postgresPort)) {
            for (int port : new int[] {kafkaPort, controllerPort, postgresPort}) {
                assertThat(accepts(InetAddress.getLoopbackAddress(), port)).as("loopback port " + port).isTrue();
                assertThat(accepts(external.get(), port)).as(external.get() + " port " + port).isFalse();
            }
        }
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }
}
