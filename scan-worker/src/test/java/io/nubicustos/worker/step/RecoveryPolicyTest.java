package io.nubicustos.worker.step;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.nubicustos.worker.step.RecoveryPolicy.Orphan.FOLLOW;
import static io.nubicustos.worker.step.RecoveryPolicy.Orphan.LOST;
import static io.nubicustos.worker.step.RecoveryPolicy.Orphan.START;
import static org.assertj.core.api.Assertions.assertThat;

class RecoveryPolicyTest {

    final RecoveryPolicy policy = new RecoveryPolicy(3, Duration.ofSeconds(5), Duration.ofMinutes(10));

    @Test
    void anOrphansContainerDecidesWhetherItIsFollowedStartedOrLost() {
        assertThat(policy.orphan(true, "running")).isEqualTo(FOLLOW);
        assertThat(policy.orphan(true, "exited")).isEqualTo(FOLLOW);
        assertThat(policy.orphan(false, "exited")).as("found by its name").isEqualTo(FOLLOW);
        assertThat(policy.orphan(true, "created")).as("never started: the tool has not run").isEqualTo(START);
        assertThat(policy.orphan(false, null)).as("its worker died before creating it").isEqualTo(START);
        assertThat(policy.orphan(true, null)).as("recorded, then gone").isEqualTo(LOST);
    }

    @Test
    void aLostAttemptIsRetriedWhileAttemptsRemainWithAGrowingBackOff() {
        assertThat(policy.retries(1)).isTrue();
        assertThat(policy.retries(2)).isTrue();
        assertThat(policy.retries(3)).isFalse();
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.backoff(9)).as("at most ten times the first").isEqualTo(Duration.ofSeconds(50));
        assertThat(policy.retrying("the engine refused", 1)).isEqualTo("the engine refused; retrying (attempt 1 of 3)");
    }

    @Test
    void whenNoAttemptIsLeftTheStepNamesEveryAttemptsHostAndReason() {
        String error = policy.noAttemptLeft("image x is not present", 3, List.of(
                new StepRepository.Attempt(1, "w1", "engine a", "retried", "the engine refused"),
                new StepRepository.Attempt(2, "w2", null, "retried", null)), "worker w3, Docker engine c");

        assertThat(error).isEqualTo("image x is not present (attempt 3 of 3); every attempt failed on infrastructure, not in the tool:"
                + " attempt 1 on worker w1, Docker engine engine a: the engine refused; attempt 2 on worker w2: retried;"
                + " attempt 3 on worker w3, Docker engine c");
    }
}
