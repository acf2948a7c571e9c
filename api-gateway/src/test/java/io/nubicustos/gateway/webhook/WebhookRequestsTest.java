package io.nubicustos.gateway.webhook;

import io.nubicustos.gateway.ApiGatewayApplication;
import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.web.StrictJsonConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import java.time.Clock;

import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The fast tier's slice of the webhook API: how a body bound to its record is refused, in the one error shape, before
 * anything reaches the database (the subscriptions repository is a stand-in that must never be called). What a
 * subscription does once stored is {@code WebhookIntegrationTest}'s, against a real PostgreSQL.
 */
// why: who may call is the key filter's and the role interceptor's (ApiKeysIntegrationTest, with the real filters); the
// slice is about what a body may be, so the security package stays out of it
@Import(StrictJsonConfiguration.class)
@WebMvcTest(controllers = WebhookController.class, properties = "spring.config.name=" + ApiGatewayApplication.CONFIG_NAME,
        excludeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.nubicustos\\.gateway\\.security\\..*"))
class WebhookRequestsTest {

    @Autowired
    MockMvc mvc;

    @MockitoBean
    Webhooks webhooks;

    @MockitoBean
    Quotas quotas;

    @MockitoBean
    Clock clock;

    @Test
    void eachRefusalNamesTheFieldAtFault() throws Exception {
        refused("{\"event_types\": [\"scan.failed\"]}", "url", "url is required");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": []}", "event_types", "non-empty list");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.exploded\"]}", "event_types", "unknown event type");
        refused("{\"url\": \"ftp://example.com/x\", \"event_types\": [\"scan.failed\"]}", "url", "http or https");
        refused("{\"url\": \"https://example.com/\\u0000\", \"event_types\": [\"scan.failed\"]}", "url", "control character");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": \"short\"}", "secret", "16");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": \"                \"}", "secret", "blank");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"colour\": \"red\"}", "colour", "unknown field");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"enabled\": []}", "enabled", "wrong type");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"enabled\": \"false\"}", "enabled", "wrong type");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": 12345678901234567}", "secret",
                "wrong type");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"description\": 42}", "description",
                "wrong type");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": \"" + "\u2003".repeat(16) + "\"}",
                "secret", "blank");
        refused("{\"url\": \"https://example.com/x\", \"event_types\": [\"scan.failed\"], \"secret\": \"" + "s".repeat(201) + "\"}",
                "secret", "at most 200");
        verifyNoInteractions(webhooks);
    }

    @Test
    void aBodyThatIsNotAnObjectIsMalformedJson() throws Exception {
        mvc.perform(post("/api/webhooks").contentType(MediaType.APPLICATION_JSON).content("[]"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value("malformed_json"));
        mvc.perform(post("/api/webhooks").contentType(MediaType.APPLICATION_JSON).content("{\"url\": "))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value("malformed_json"));
        verifyNoInteractions(webhooks);
    }

    @Test
    void aChangeTakesItsFieldNamesFromTheRequestRecord() throws Exception {
        mvc.perform(patch("/api/webhooks/7a6f1c1e-4d4a-4b7e-9a39-2f1c0c2c9f00").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"colour\": \"red\"}"))
                .andExpect(status().isBadRequest()).andExpect(jsonPath("$.field").value("colour"))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("min_severity")));
        verifyNoInteractions(webhooks);
    }

    private void refused(String body, String field, String saying) throws Exception {
        mvc.perform(post("/api/webhooks").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.error").value("invalid_request"))
                .andExpect(jsonPath("$.field").value(field))
                .andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString(saying)));
    }
}
