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
        // NAT64 reaches IPv4 addresses (the metadata service too), and the reserved and documentation ranges are no receivers
        for (String reserved : new String[] {"64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:a00:1::1", "2002:a9fe:a9fe::1", "100::1",
                "2001:db8::1", "::a00:1", "198.18.0.1", "198.19.255.254", "240.0.0.1", "255.255.255.255", "192.0.0.8", "192.0.2.1",
                "198.51.100.7", "203.0.113.9"}) {
            assertThat(ReceiverAddresses.isPublic(InetAddress.getByName(reserved))).as(reserved).isFalse();
        }
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("2002:808:808::1"))).as("6to4 of a public address").isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("2606:4700::1111"))).isTrue();
        assertThat(ReceiverAddresses.isPublic(InetAddress.getByName("198.20.0.1"))).isTrue();
        // the client resolves names with the same check, so what it connects to is what was checked (no rebinding)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReceiverAddresses.pinned().resolve("localhost"))
                .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining("refused: localhost resolves to");
    }
}
