package io.nubicustos.testsupport;

import com.github.dockerjava.api.DockerClient;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker engine of the test's own: a real {@code dockerd} with its own socket, data root and exec root
 * (standing for another host), which the test can stop, restart and remove without disturbing the
 * machine's engine. Needs root, as every Docker engine does.
 */
public final class DockerEngineProcess implements AutoCloseable {

    private final Path root;
    private final boolean liveRestore;
    private Process process;
    private DockerClient client;

    private DockerEngineProcess(Path root, boolean liveRestore) {
        this.root = root;
        this.liveRestore = liveRestore;
    }

    /**
     * @param liveRestore whether containers keep running while the engine is down (Docker's {@code --live-restore});
     *                    without it the engine stops its containers when it stops
     */
    public static DockerEngineProcess start(boolean liveRestore) {
        try {
            DockerEngineProcess engine = new DockerEngineProcess(Files.createTempDirectory(Path.of("/tmp"), "engine-"), liveRestore);
            engine.launch();
            return engine;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine's address, for {@code DOCKER_HOST} or {@code nubicustos.docker.host}. */
    public String host() {
        return "unix://" + root.resolve("docker.sock");
    }

    public DockerClient client() {
        return client;
    }

    /** Copies an image from the machine's engine into this one. */
    public void load(String image) {
        try (InputStream saved = DockerClients.local().saveImageCmd(image).exec()) {
            client.loadImageCmd(saved).exec();
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + image + " into the engine at " + host(), e);
        }
    }

    /** Stops the engine as an operator would (SIGTERM) and waits until it is gone. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the engine and starts it again on the same data root. */
    public void restart() {
        stop();
        launch();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of("dockerd", "--iptables=false", "--bridge=none", "--storage-driver=vfs",
                "--data-root", root.resolve("data").toString(), "--exec-root", root.resolve("exec").toString(),
                "--pidfile", root.resolve("dockerd.pid").toString(), "-H", host()));
        if (liveRestore) {
            command.add("--live-restore");
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("dockerd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start dockerd (is this machine's Docker installed, and are we root?)", e);
        }
        if (client == null) {
            client = DockerClients.at(host());
        }
        Process started = process;
        Awaitility.await("dockerd at " + host() + " (log: " + root.resolve("dockerd.log") + ")").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("dockerd exited at start; see " + root.resolve("dockerd.log"));
                    }
                    try {
                        client.pingCmd().exec();
                        return true;
                    } catch (RuntimeException notYet) {
                        return false;
                    }
                });
    }

    /**
     * Removes every container and network, stops the engine and deletes its data root. A bridge network's
     * interface outlives its engine unless the network is removed, and the host has address pools for about
     * thirty of them: without this, a machine that started many test engines can create no more networks.
     */
    @Override
    public void close() {
        List<String> bridges = new ArrayList<>();
        try {
            client.listContainersCmd().withShowAll(true).exec().forEach(c -> client.removeContainerCmd(c.getId()).withForce(true).exec());
            for (var network : client.listNetworksCmd().exec()) {
                if ("bridge".equals(network.getDriver()) && !"bridge".equals(network.getName())) {
                    bridges.add("br-" + network.getId().substring(0, 12));
                    try {
                        client.removeNetworkCmd(network.getId()).exec();
                    } catch (RuntimeException inUse) {
                        // why: removed with its interface below, once the engine is stopped
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // the engine is already gone
        }
        stop();
        for (String bridge : bridges) {
            deleteLinkQuietly(bridge);
        }
        unmountBelow(root);
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // why: a leftover temp directory is harmless
        }
    }

    private static void deleteLinkQuietly(String link) {
        try {
            Process ip = new ProcessBuilder("ip", "link", "delete", link).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ip.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // why: best effort; an interface already gone is the normal case
        }
    }

    private static void unmountBelow(Path root) {
        try {
            List<String> mounts = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String target = line.split(" ")[1];
                if (target.startsWith(root.toString())) {
                    mounts.add(target);
                }
            }
            mounts.sort(Comparator.reverseOrder());
            for (String mount : mounts) {
                new ProcessBuilder("umount", "-l", mount).start().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException ignored) {
            // why: best effort; the engine is stopped
        }
    }
}
