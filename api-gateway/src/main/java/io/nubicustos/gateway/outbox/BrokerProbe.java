package io.nubicustos.gateway.outbox;

import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tells a broker that is away from one that answers but refuses some records: when every send of a
 * batch timed out, the relay asks the cluster to describe itself. If it answers, the records (or their
 * topic) are at fault and count against their attempts; if not, it is an outage and nothing is counted.
 */
@Component
class BrokerProbe {

    private final Map<String, Object> config;
    private volatile Admin admin;

    BrokerProbe(KafkaAdmin kafkaAdmin) {
        this.config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        this.config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        this.config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    }

    boolean brokerAnswers() {
        try {
            admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(config);
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
