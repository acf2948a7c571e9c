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

    static List<Container> managedContainers() {
        return DockerClients.local().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.nubicustos.managed", "true")).exec();
    }
}
