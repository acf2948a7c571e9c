package io.nubicustos.model.scan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusTransitionsTest {

    @Test
    void stepsMoveOnlyForward() {
        assertThat(StepStatus.QUEUED.canMoveTo(StepStatus.RUNNING)).isTrue();
        assertThat(StepStatus.RUNNING.canMoveTo(StepStatus.REPORTING)).isTrue();
        assertThat(StepStatus.REPORTING.canMoveTo(StepStatus.SUCCEEDED)).isTrue();
        assertThat(StepStatus.QUEUED.canMoveTo(StepStatus.SUCCEEDED)).isFalse();
        assertThat(StepStatus.SUCCEEDED.canMoveTo(StepStatus.FAILED)).isFalse();
        assertThat(StepStatus.CANCELLED.canMoveTo(StepStatus.RUNNING)).isFalse();
        assertThat(List.of(StepStatus.values())).filteredOn(StepStatus::isTerminal)
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED);
    }

    @Test
    void aTerminalScanNeverMovesAgain() {
        for (ScanStatus terminal : List.of(ScanStatus.COMPLETED, ScanStatus.FAILED, ScanStatus.CANCELLED)) {
            for (ScanStatus next : ScanStatus.values()) {
                assertThat(terminal.canMoveTo(next)).as(terminal + " -> " + next).isFalse();
            }
        }
    }

    @Test
    void aScanSettlesFromItsSteps() {
        assertThat(ScanStatus.settle(List.of(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED))).isEqualTo(ScanStatus.COMPLETED);
        assertThat(ScanStatus.settle(List.of(StepStatus.SUCCEEDED, StepStatus.FAILED))).isEqualTo(ScanStatus.FAILED);
        assertThat(ScanStatus.settle(List.of(StepStatus.CANCELLED, StepStatus.SUCCEEDED))).isEqualTo(ScanStatus.CANCELLED);
        assertThatThrownBy(() -> ScanStatus.settle(List.of(StepStatus.RUNNING)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
