package io.nubicustos.model.reports;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportLayoutTest {

    static final UUID SCAN = UUID.fromString("0190f1c2-0000-7000-8000-000000000001");
    final ReportLayout layout = new ReportLayout(Path.of("/srv/reports/./"));

    @Test
    void aStepsReportDirectoryIsItsToolUnderItsScan() {
        assertThat(layout.stepDirectory(SCAN, "enumerate-iam")).isEqualTo(Path.of("/srv/reports/" + SCAN + "/enumerate-iam"));
        assertThat(layout.credentialsDirectory("0190f1c2-000-1")).isEqualTo(Path.of("/srv/reports/.credentials/0190f1c2-000-1"));
    }

    @Test
    void noToolOrExecutionNameLeavesTheRoot() {
        for (String name : new String[] {"..", ".", "../etc", "a/b", "a\\b", "", "x".repeat(65)}) {
            assertThatThrownBy(() -> layout.stepDirectory(SCAN, name)).as(name).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> layout.credentialsDirectory(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theDockerHostSeesTheSameDirectoryUnderItsOwnRoot() {
        Path dir = layout.stepDirectory(SCAN, "prowler");
        assertThat(layout.onHost(null, dir)).isEqualTo("/srv/reports/" + SCAN + "/prowler");
        assertThat(layout.onHost("/var/lib/nubicustos/reports", dir)).isEqualTo("/var/lib/nubicustos/reports/" + SCAN + "/prowler");
        assertThatThrownBy(() -> layout.onHost(null, Path.of("/etc"))).isInstanceOf(IllegalArgumentException.class);
    }
}
