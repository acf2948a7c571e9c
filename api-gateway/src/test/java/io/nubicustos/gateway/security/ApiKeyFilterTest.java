package io.nubicustos.gateway.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nubicustos.gateway.system.GatewayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which port a request came in on decides whether metrics need a key: the API's does, a separate management port not. */
class ApiKeyFilterTest {

    private static final int API_PORT = 8000;
    private static final int MANAGEMENT_PORT = 9000;

    private final ApiKeyFilter filter = new ApiKeyFilter(
            new ApiKeys(new GatewayProperties.Api(List.of("ci:ci-key-0123456789abcdef"), null, 600, 1000, DataSize.ofMegabytes(1))),
            new RateLimiter(600, Clock.systemUTC()), new RateLimiter(1000, Clock.systemUTC()), MANAGEMENT_PORT, new SimpleMeterRegistry());

    @Test
    void metricsNeedAKeyOnTheApisPortAndNoneOnTheManagementPort() throws Exception {
        assertThat(status("/actuator/prometheus", API_PORT)).isEqualTo(401);
        assertThat(status("/actuator/prometheus", MANAGEMENT_PORT)).isEqualTo(200);
        assertThat(status("/actuator/health", API_PORT)).isEqualTo(200);
        assertThat(status("/api/scans", API_PORT)).isEqualTo(401);
        assertThat(status("/readyz", API_PORT)).as("the probe kept on the API's port").isEqualTo(200);
    }

    @Test
    void anApiPublishedBeyondLoopbackWithoutAKeyDoesNotStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SecurityConfiguration.refuseOpenWithoutKey(false, "0.0.0.0"))
                .hasMessageContaining("NUBICUSTOS_BIND").hasMessageContaining("API_KEY");
        SecurityConfiguration.refuseOpenWithoutKey(false, "127.0.0.1");
        SecurityConfiguration.refuseOpenWithoutKey(false, "");
        SecurityConfiguration.refuseOpenWithoutKey(true, "0.0.0.0");
    }

    @Test
    void aMisspeltRoleOrAReservedNameStopsTheStartInsteadOfMakingAnAdmin() {
        for (String key : List.of("ci:ci-key-0123456789abcdef:reader", "ci:ci-key-0123456789abcdef:read+", "anonymous:ci-key-0123456789abcdef")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiKeys(new GatewayProperties.Api(List.of(key), null, 600, 1000,
                    DataSize.ofMegabytes(1)))).as(key).isInstanceOf(IllegalArgumentException.class);
        }
        ApiKeys keys = new ApiKeys(new GatewayProperties.Api(List.of("ci:ci-key-0123456789abcdef:read+scan"), null, 600, 1000,
                DataSize.ofMegabytes(1)));
        assertThat(keys.match("ci-key-0123456789abcdef")).get().extracting(Caller::roles)
                .isEqualTo(java.util.EnumSet.of(Role.READ, Role.SCAN));
    }

    private int status(String uri, int localPort) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setLocalPort(localPort);
        request.setRemoteAddr("127.0.0.1");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }
}
