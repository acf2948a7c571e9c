package io.nubicustos.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A stand-in for a scanner image, built from {@code scratch} with a static busybox: it prints its
 * arguments (so the log tail shows the command it was given), waits if asked, copies real sample
 * reports into the tool's report path, optionally prints a sample on stdout, and exits with the
 * tool's real exit code. Tagged as the catalog's image, so the worker cannot tell it apart.
 */
public final class StandInImage {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final String tag;
    private final Map<String, Path> reportFiles = new LinkedHashMap<>();
    private String reportPath = "/reports";
    private Path stdoutFile;
    private int exitCode;
    private int sleepSeconds;
    private String stderrLine;
    private String extraScript;

    private StandInImage(String tag) {
        this.tag = tag;
    }

    public static StandInImage tagged(String tag) {
        return new StandInImage(tag);
    }

    /** Where the tool writes its reports inside the container (the catalog's {@code report_path}). */
    public StandInImage reportPath(String containerPath) {
        this.reportPath = containerPath;
        return this;
    }

    /** Writes {@code sample} as {@code relativeName} under the report path. */
    public StandInImage writes(String relativeName, Path sample) {
        reportFiles.put(relativeName, sample);
        return this;
    }

    /** Prints {@code sample} on stdout (for tools whose report is their standard output). */
    public StandInImage printsOnStdout(Path sample) {
        this.stdoutFile = sample;
        return this;
    }

    public StandInImage exitsWith(int code) {
        this.exitCode = code;
        return this;
    }

    /** Runs this long before writing its report, like a real scan would. */
    public StandInImage runsFor(int seconds) {
        this.sleepSeconds = seconds;
        return this;
    }

    /** Runs these busybox shell lines ({@code $B} is busybox) before exiting, e.g. to allocate memory. */
    public StandInImage alsoRuns(String script) {
        this.extraScript = script;
        return this;
    }

    public StandInImage complainsOnStderr(String line) {
        this.stderrLine = line;
        return this;
    }

    /** Builds the image into the engine and returns its tag. */
    public String buildWith(DockerClient docker) {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException("/bin/busybox is missing: apt-get install busybox-static");
        }
        Path context = null;
        try {
            context = Files.createTempDirectory("standin-");
            Path standin = Files.createDirectories(context.resolve("standin"));
            Files.copy(BUSYBOX, context.resolve("busybox"));
            StringBuilder script = new StringBuilder("B=/bin/busybox\n")
                    .append("$B echo \"stand-in ").append(tag).append(" started with: $*\"\n");
            if (sleepSeconds > 0) {
                script.append("$B sleep ").append(sleepSeconds).append('\n');
            }
            script.append("$B mkdir -p '").append(reportPath).append("'\n");
            int i = 0;
            for (Map.Entry<String, Path> file : reportFiles.entrySet()) {
                String stored = "report-" + (i++);
                Files.copy(file.getValue(), standin.resolve(stored));
                Path target = Path.of(reportPath).resolve(file.getKey());
                script.append("$B mkdir -p '").append(target.getParent()).append("'\n")
                        .append("$B cp /standin/").append(stored).append(" '").append(target).append("'\n");
            }
            if (stdoutFile != null) {
                Files.copy(stdoutFile, standin.resolve("stdout"));
                script.append("$B cat /standin/stdout\n");
            }
            if (extraScript != null) {
                script.append(extraScript).append('\n');
            }
            if (stderrLine != null) {
                script.append("$B echo '").append(stderrLine.replace("'", "")).append("' >&2\n");
            }
            script.append("$B echo \"stand-in ").append(tag).append(" exiting with ").append(exitCode).append("\"\n")
                    .append("exit ").append(exitCode).append('\n');
            Files.writeString(standin.resolve("entry.sh"), script);
            Files.writeString(context.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    COPY standin /standin
                    ENTRYPOINT ["/bin/busybox", "sh", "/standin/entry.sh"]
                    """);
            docker.buildImageCmd(context.toFile())
                    .withTags(Set.of(tag))
                    .withPull(false)
                    .withRemove(true)
                    .exec(new BuildImageResultCallback())
                    .awaitImageId();
            return tag;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare stand-in image " + tag, e);
        } finally {
            deleteQuietly(context);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // why: a temp directory left behind is harmless
        }
    }
}
