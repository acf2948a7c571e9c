package io.nubicustos.gateway.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    @Test
    void signsAsTheStandardWebhooksSpecificationsOwnExample() {
        // the example of the Standard Webhooks specification, which its libraries verify
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(WebhookSignature.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body, Instant.ofEpochSecond(1614265330), Duration.ofMinutes(5))).isTrue();
        assertThat(WebhookSignature.verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body, Instant.ofEpochSecond(1614265330 + 600), Duration.ofMinutes(5)))
                .as("too old: a replay").isFalse();
    }

    @Test
    void aGeneratedSecretIsAStandardWebhooksSecretAndAnyOtherTextIsItsOwnKey() {
        String secret = WebhookSignature.newSecret(new java.security.SecureRandom());
        assertThat(secret).startsWith("whsec_");
        assertThat(WebhookSignature.key(secret)).hasSize(32);
        assertThat(WebhookSignature.key("correct horse battery staple")).isEqualTo("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void receiversOnInternalAddressesAreRefused() throws Exception {
        assertThat(ReceiverAddresses.refusal(URI.create("http://127.0.0.1:2375/containers/json"))).contains("127.0.0.1").contains("loopback");
        assertThat(ReceiverAddresses.refusal(URI.create("http://169.254.169.254/latest/meta-data/"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://10.1.2.3/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://192.168.1.1/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://[::1]:8080/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://[fd00::1]/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://100.64.0.1/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("http://localhost/hook"))).isNotNull();
        assertThat(ReceiverAddresses.refusal(URI.create("https://93.184.216.34/hook"))).isNull();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("8.8.8.8"))).isTrue();
    }
}
