package io.nubicustos.worker;

import com.github.dockerjava.api.model.Container;
import io.nubicustos.testsupport.DockerClients;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the worker's integration tests set up and look at: a queued scan's row, and the containers with our label. */
final class TestRows {

    private TestRows() {
    }

    static UUID scan(JdbcClient jdbc) {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into scans (id, profile, aws_profile, status, source, created_at) values (:id, 'quick', 'default', 'queued', 'rest', now())")
                .param("id", id).update();
        return id;
    }

    /**
     * The containers of the test's own installation (each test class configures its id): what another installation on
     * the engine left (a run that failed, a standalone test) is none of its business, as it is none of the worker's.
     */
    static List<Container> managedContainers(String installation) {
        return DockerClients.local().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nubicustos.managed", "true", "io.nubicustos.installation", installation)).exec();
    }
}
