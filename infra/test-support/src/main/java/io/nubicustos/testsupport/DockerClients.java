package io.nubicustos.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import java.time.Duration;

/** A docker-java client for the engine the tests run against ({@code DOCKER_HOST} or the unix socket). */
public final class DockerClients {

    private static DockerClient client;

    private DockerClients() {
    }

    /** A client of the engine at {@code host} (e.g. {@code unix:///tmp/engine/docker.sock}). */
    public static DockerClient at(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(10))
                .maxConnections(50)
                .build());
    }

    public static synchronized DockerClient local() {
        if (client == null) {
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
            client = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .connectionTimeout(Duration.ofSeconds(10))
                    .maxConnections(50)
                    .build());
        }
        return client;
    }
}
