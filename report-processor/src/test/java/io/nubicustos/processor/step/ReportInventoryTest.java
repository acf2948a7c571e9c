package io.nubicustos.processor.step;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ReportInventoryTest {

    @Test
    void listsEveryRegularFileWithItsSizeAndSha256AndNeverFollowsALink(@TempDir Path dir, @TempDir Path outside) throws Exception {
        Files.createDirectories(dir.resolve("compliance"));
        Files.writeString(dir.resolve("report.ocsf.json"), "[{\"a\": 1}]");
        Files.writeString(dir.resolve("compliance/cis.csv"), "x;y\n");
        Path secret = Files.writeString(outside.resolve("secret"), "host file");
        Files.createSymbolicLink(dir.resolve("link.json"), secret);
        Files.createSymbolicLink(dir.resolve("linked-dir"), outside);

        ReportInventory.Inventory inventory = ReportInventory.of(dir, 100, 1_000_000);

        assertThat(inventory.cut()).isFalse();
        assertThat(inventory.files()).containsExactly(
                new ReportInventory.ReportFile("compliance/cis.csv", 4, sha256("x;y\n")),
                new ReportInventory.ReportFile("report.ocsf.json", 10, sha256("[{\"a\": 1}]")));
    }

    @Test
    void pastItsBudgetAFileIsListedWithoutAHashAndPastItsCountNotAtAll(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a"), "12345");
        Files.writeString(dir.resolve("b"), "1234567890");
        Files.writeString(dir.resolve("c"), "1");

        ReportInventory.Inventory budget = ReportInventory.of(dir, 100, 8);
        assertThat(budget.cut()).isTrue();
        assertThat(budget.files()).filteredOn(f -> f.sha256() == null).extracting(ReportInventory.ReportFile::path).contains("b");
        assertThat(budget.files()).hasSize(3);

        ReportInventory.Inventory count = ReportInventory.of(dir, 2, 1_000);
        assertThat(count.cut()).isTrue();
        assertThat(count.files()).hasSize(2);
    }

    @Test
    void aDirectoryThatIsNotThereListsNothing(@TempDir Path dir) {
        assertThat(ReportInventory.of(dir.resolve("absent"), 10, 10).files()).isEmpty();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes()));
    }
}
