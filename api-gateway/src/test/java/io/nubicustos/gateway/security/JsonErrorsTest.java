package io.nubicustos.gateway.security;

import io.nubicustos.gateway.web.Problem;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The filters' own answers (written before Spring MVC is reached) are the same RFC 9457 problem the advice writes. */
class JsonErrorsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theFiltersStatusesAreProblemsWithTheDocumentedMembers() throws Exception {
        answer(401, "unauthorized", "no valid X-API-Key", null);
        answer(413, "payload_too_large", "the request body is larger than 10 bytes", null);
        answer(429, "rate_limited", "key 'ci' is over its rate; retry later", null);
        answer(503, "issuer_unavailable", "the issuer is away; retry later", null);
        JsonNode forbidden = answer(403, "forbidden", "'ci' has no role", "admin");
        assertThat(forbidden.get("required_role").asString()).isEqualTo("admin");
    }

    @Test
    void aCallersTextCannotBreakTheJson() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/scans/\"x\\");
        MockHttpServletResponse response = new MockHttpServletResponse();
        JsonErrors.write(request, response, 403, "forbidden", "'\"}\n\u0001\u2028' has no role");
        JsonNode problem = JSON.readTree(response.getContentAsString());
        assertThat(problem.get("detail").asString()).isEqualTo("'\"}\n\u0001\u2028' has no role");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/scans/\"x\\");
    }

    private static JsonNode answer(int status, String code, String message, String role) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/scans");
        MockHttpServletResponse response = new MockHttpServletResponse();
        if (role == null) {
            JsonErrors.write(request, response, status, code, message);
        } else {
            JsonErrors.write(request, response, status, code, message, "required_role", role);
        }
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsString());
        Set<String> members = new TreeSet<>();
        problem.propertyNames().forEach(members::add);
        members.remove("required_role");
        Set<String> documented = new TreeSet<>(Arrays.stream(Problem.class.getRecordComponents()).map(RecordComponent::getName).toList());
        documented.remove("quota");
        assertThat(members).isEqualTo(documented);
        assertThat(problem.get("type").asString()).isEqualTo("urn:nubicustos:problem:" + code);
        assertThat(problem.get("title").asString()).isEqualTo(HttpStatus.valueOf(status).getReasonPhrase());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isEqualTo(message).isEqualTo(problem.get("message").asString());
        assertThat(problem.get("instance").asString()).isEqualTo("/api/scans");
        assertThat(problem.get("error").asString()).isEqualTo(code);
        assertThat(problem.get("field").isNull()).isTrue();
        return problem;
    }
}
