package io.nubicustos.model.logs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void accessKeyIdsSecretKeysAndSessionTokensAreRedactedWhereverTheyAppear() {
        String log = """
                botocore: Using credentials AKIAIOSFODNN7EXAMPLE from the shared file
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                {"AccessKeyId": "ASIAZZZZZZZZZZZZZZZZ", "SecretAccessKey": "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "SessionToken": "FwoGZXIvYXdzEJr//////////wEaDHsomething"}
                X-Amz-Security-Token: IQoJb3JpZ2luX2VjEH0aCXVzLWVhc3QtMSJHMEUCIQ
                commit 1234567890abcdef1234567890abcdef12345678 is not a secret
                """;

        String clean = Redaction.patterns().apply(log);

        assertThat(clean).doesNotContain("AKIAIOSFODNN7EXAMPLE", "ASIAZZZZZZZZZZZZZZZZ", "wJalrXUtnFEMI", "je7MtGbClwBF",
                "FwoGZXIvYXdzEJr", "IQoJb3JpZ2luX2VjEH0a");
        assertThat(clean).contains("aws_secret_access_key = [REDACTED]", "\"SecretAccessKey\": \"[REDACTED]\"",
                "commit 1234567890abcdef1234567890abcdef12345678 is not a secret");
    }

    @Test
    void knownValuesAreRedactedWhateverSurroundsThem() {
        Redaction redaction = Redaction.of(List.of("s3cr3t-value-without-a-name", "short"));

        assertThat(redaction.apply("error: signature mismatch for s3cr3t-value-without-a-name; short stays"))
                .isEqualTo("error: signature mismatch for [REDACTED]; short stays");
    }
}
