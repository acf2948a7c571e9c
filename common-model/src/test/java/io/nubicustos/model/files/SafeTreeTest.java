package io.nubicustos.model.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTreeTest {

    @Test
    void deletingATreeRemovesLinksButNeverWhatTheyPointTo(@TempDir Path dir) throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.writeString(tree.resolve("report.json"), "[]");
        Files.createSymbolicLink(dir.resolve("tree/a/to-outside"), outside);
        Files.createSymbolicLink(dir.resolve("tree/file-link"), outside.resolve("keep.txt"));

        assertThat(SafeTree.delete(dir.resolve("tree"))).isTrue();

        assertThat(dir.resolve("tree")).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)  // opening the FIFO would block: fail, not hang
    void walkingVisitsRegularFilesOnlyAndNeverEntersALink(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("r.json"), "[1]");
        Files.createSymbolicLink(dir.resolve("tree/link-dir"), outside);
        Files.createSymbolicLink(dir.resolve("tree/link-file"), outside.resolve("secret.txt"));
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("tree/pipe").toString()).start().waitFor()).isZero();
        if ("root".equals(System.getProperty("user.name"))) {
            // /dev/zero's node (only root makes one; CI runs as root): opened, it would feed an archive without end
            assertThat(new ProcessBuilder("mknod", dir.resolve("tree/sub/zero").toString(), "c", "1", "5").start().waitFor()).isZero();
        }

        List<String> seen = new ArrayList<>();
        SafeTree.forEachFile(dir.resolve("tree"), (relative, size, in) -> seen.add(relative + "=" + new String(in.readAllBytes())));

        assertThat(seen).containsExactly("sub/r.json=[1]");
    }
}
