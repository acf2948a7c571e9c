package io.nubicustos.gateway.web;

import io.nubicustos.gateway.ApiGatewayApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * Every error status the controllers' advice answers is an RFC 9457 problem ({@code application/problem+json}) with the
 * members the document's {@code Problem} schema names, and the fields clients read before (status, error, field,
 * message) unchanged. The filters' answers (401, 403, 413, 429 before MVC) are {@code JsonErrorsTest}'s.
 */
@Import({StrictJsonConfiguration.class, ProblemResponsesTest.Raising.class})
@WebMvcTest(controllers = ProblemResponsesTest.Raising.class, properties = "spring.config.name=" + ApiGatewayApplication.CONFIG_NAME,
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.nubicustos\\.gateway\\.security\\..*"))
class ProblemResponsesTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Test
    void eachErrorStatusIsAProblemWithTheDocumentedMembers() throws Exception {
        problem(post("/problems/body").contentType(MediaType.APPLICATION_JSON).content("{\"name\": "), 400, "malformed_json", null);
        problem(post("/problems/body").contentType(MediaType.APPLICATION_JSON).content("{\"colour\": \"red\"}"), 400, "invalid_request", "colour");
        problem(post("/problems/body").contentType(MediaType.APPLICATION_JSON).content("{\"name\": 7}"), 400, "invalid_request", "name");
        problem(get("/problems/scan/not-a-uuid"), 400, "invalid_parameter", "id");
        problem(get("/problems/needs"), 400, "missing_parameter", "what");
        problem(get("/problems/scan/" + UUID.randomUUID()), 404, "scan_not_found", null);
        problem(get("/problems/nowhere"), 404, "not_found", null);
        problem(delete("/problems/body"), 405, "method_not_allowed", null);
        JsonNode quota = problem(get("/problems/quota"), 409, "quota_exceeded", null);
        assertThat(quota.get("quota").asString()).isEqualTo("nubicustos.quotas.max-running-scans");
        problem(get("/problems/too-large"), 413, "payload_too_large", null);
        problem(post("/problems/body").contentType(MediaType.TEXT_PLAIN).content("name"), 415, "unsupported_media_type", null);
        problem(get("/problems/unknown-profile"), 422, "unknown_profile", "profile");
        problem(get("/problems/bug"), 500, "internal_error", null);
        problem(get("/problems/database-away"), 503, "database_unavailable", null);
        // a client that asked for CSV (an export) or an event stream (a followed log) still gets the problem, not a 406 or 500
        problem(get("/problems/scan/" + UUID.randomUUID()).accept("text/csv"), 404, "scan_not_found", null);
        problem(get("/problems/scan/" + UUID.randomUUID()).accept("text/event-stream"), 404, "scan_not_found", null);
    }

    /** Checks one answer's shape and returns its body. */
    private JsonNode problem(RequestBuilder request, int status, String error, String field) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        String path = result.getRequest().getRequestURI();
        String body = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).as(path + ": " + body).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).as(path).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        Set<String> members = new TreeSet<>();
        problem.propertyNames().forEach(members::add);
        Set<String> documented = new TreeSet<>(Arrays.stream(Problem.class.getRecordComponents()).map(RecordComponent::getName).toList());
        assertThat(documented).as(path + ": members the Problem schema names").containsAll(members);
        assertThat(members).as(path).contains("type", "title", "status", "detail", "instance", "error", "field", "message");
        assertThat(problem.get("type").asString()).isEqualTo("urn:nubicustos:problem:" + error);
        assertThat(problem.get("title").asString()).isEqualTo(HttpStatus.valueOf(status).getReasonPhrase());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("error").asString()).isEqualTo(error);
        assertThat(problem.get("detail").asString()).isNotBlank().isEqualTo(problem.get("message").asString());
        assertThat(problem.get("instance").asString()).isEqualTo(path);
        if (field == null) {
            assertThat(problem.get("field").isNull()).as(path + ": field").isTrue();
        } else {
            assertThat(problem.get("field").asString()).isEqualTo(field);
        }
        return problem;
    }

    record Body(String name) {
    }

    /** Raises, one route each, what the real controllers raise. */
    @RestController
    static class Raising {

        @PostMapping(path = "/problems/body", consumes = "application/json")
        String body(@RequestBody Body body) {
            return body.name();
        }

        @GetMapping("/problems/scan/{id}")
        String scan(@PathVariable("id") UUID id) {
            throw ApiException.notFound("scan_not_found", "no scan with id " + id);
        }

        @GetMapping("/problems/needs")
        String needs(@RequestParam("what") String what) {
            return what;
        }

        @GetMapping("/problems/quota")
        String quota() {
            throw ApiException.quotaExceeded("nubicustos.quotas.max-running-scans", "too many scans run");
        }

        @GetMapping("/problems/too-large")
        String tooLarge() throws PayloadTooLargeException {
            throw new PayloadTooLargeException(1024);
        }

        @GetMapping("/problems/unknown-profile")
        String unknownProfile() {
            throw ApiException.unprocessable("unknown_profile", "profile", "no profile 'nope'");
        }

        @GetMapping("/problems/bug")
        String bug() {
            throw new IllegalStateException("a bug");
        }

        @GetMapping("/problems/database-away")
        String databaseAway() {
            throw new DataAccessResourceFailureException("connection refused");
        }
    }
}
