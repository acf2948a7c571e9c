package io.nubicustos.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;

import io.nubicustos.testsupport.facts.ArgumentCheck;
import io.nubicustos.testsupport.facts.ToolFacts;

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
 * tool's real exit code. Its name is never a real tool's: {@link #forTool} names it as the stand-in catalog overlay
 * ({@code infra/dev/standin-catalog.yaml}) does, {@code nubicustos-standin/<tool>:<version>}, and other test images are
 * {@code nubicustos-test/...}; every stand-in is labelled {@code io.nubicustos.standin=true}, which workers refuse
 * unless allowed, so an engine that ran the tests never reports sample findings as a real tool's.
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
    private String insteadProfile;
    private final Map<String, Path> insteadFiles = new LinkedHashMap<>();
    private String extraScript;
    private ToolFacts facts;
    private String entrypoint = "[\"/bin/busybox\", \"sh\", \"/standin/entry.sh\"]";

    private StandInImage(String tag) {
        this.tag = tag;
    }

    /** A test image under a name of the test's own, whose repository starts with {@code nubicustos-} (never a real tool's). */
    public static StandInImage tagged(String tag) {
        if (!tag.startsWith("nubicustos-") || tag.indexOf('/') < 0) {
            throw new IllegalArgumentException("a stand-in never carries a real tool's image name: " + tag
                    + " (use forTool, or a nubicustos-test/ name)");
        }
        return new StandInImage(tag);
    }

    /**
     * The stand-in for a catalog tool, under the name the stand-in catalog overlay gives it, held to the tool's fact
     * sheet: it refuses arguments the real tool's parser refuses (exit with the tool's usage code, argparse-style
     * message), runs as the image's real uid with its HOME, and logs on the tool's own stream.
     */
    public static StandInImage forTool(String tool) {
        StandInImage image = new StandInImage(StandIns.image(tool));
        image.facts = ToolFacts.require(tool);
        return image;
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

    /**
     * When the step runs with {@code AWS_PROFILE} {@code awsProfile} (one account of a campaign), writes {@code sample} as
     * {@code relativeName} instead of the {@link #writes} files: one account's report differs from the others'.
     */
    public StandInImage writesInsteadFor(String awsProfile, String relativeName, Path sample) {
        if (!awsProfile.matches("[A-Za-z0-9_.@+-]+")) {
            throw new IllegalArgumentException("not a profile name: " + awsProfile);
        }
        this.insteadProfile = awsProfile;
        insteadFiles.put(relativeName, sample);
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

    /** An image whose entrypoint is this program, which does not exist in it: the engine cannot start it. */
    public StandInImage withMissingEntrypoint(String program) {
        this.entrypoint = "[\"" + program.replace("\"", "") + "\"]";
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
            // why: a strict stand-in logs where the real tool logs, so a report that is the log is tested as it is kept
            String log = facts != null && "stderr".equals(facts.logStream()) ? " >&2" : "";
            StringBuilder script = new StringBuilder("B=/bin/busybox\n")
                    .append("$B echo \"stand-in ").append(tag).append(" started with: $*\"").append(log).append('\n');
            if (facts != null) {
                script.append(ArgumentCheck.script(facts));
            }
            if (sleepSeconds > 0) {
                script.append("$B sleep ").append(sleepSeconds).append('\n');
            }
            script.append("$B mkdir -p '").append(reportPath).append("'\n");
            if (insteadProfile != null) {
                script.append("if [ \"$AWS_PROFILE\" = '").append(insteadProfile).append("' ]; then\n");
                copies(insteadFiles, "instead-", standin, script);
                script.append("else\n");
            }
            copies(reportFiles, "report-", standin, script);
            if (insteadProfile != null) {
                script.append("fi\n");
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
            script.append("$B echo \"stand-in ").append(tag).append(" exiting with ").append(exitCode).append("\"").append(log).append('\n')
                    .append("exit ").append(exitCode).append('\n');
            Files.writeString(standin.resolve("entry.sh"), script);
            String user = facts == null ? "" : "USER " + facts.image().uid() + "\nENV HOME=" + facts.image().home() + "\n";
            Files.writeString(context.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    COPY standin /standin
                    LABEL io.nubicustos.standin="true"
                    %sENTRYPOINT %s
                    """.formatted(user, entrypoint));
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

    private void copies(Map<String, Path> files, String prefix, Path standin, StringBuilder script) throws IOException {
        int i = 0;
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String stored = prefix + (i++);
            Files.copy(file.getValue(), standin.resolve(stored));
            Path target = Path.of(reportPath).resolve(file.getKey());
            script.append("$B mkdir -p '").append(target.getParent()).append("'\n")
                    .append("$B cp /standin/").append(stored).append(" '").append(target).append("'\n");
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
