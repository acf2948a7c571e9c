package io.nubicustos.worker.credentials;

import io.nubicustos.model.files.SafeTree;
import io.nubicustos.worker.docker.StepFailure;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.function.Supplier;

/**
 * What a step's container sees of the AWS credentials: only the profile it runs with. The worker writes
 * that profile's sections of {@code credentials} and {@code config} (and the sections it refers to:
 * {@code source_profile} chains, its {@code sso-session}) into a directory of the step's own, which is
 * mounted read-only in place of the whole credentials directory, and removed when the step ends. Every
 * other profile (other accounts, other teams) stays out of reach of the third-party code in the image.
 */
@Component
public class StagedCredentials {

    private static final Logger log = LoggerFactory.getLogger(StagedCredentials.class);
    private static final Set<String> SECRET_KEYS = Set.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
            "aws_security_token");

    private final Path awsPath;
    private final ReportDirectories directories;

    StagedCredentials(WorkerProperties properties, ReportDirectories directories) {
        this.awsPath = properties.credentials().awsPath();
        this.directories = directories;
    }

    /** A staged profile: where it was written, and its secret values (for redacting the tool's output). */
    public record Staged(Path directory, String hostPath, List<String> secrets) {
    }

    /** Writes the profile's sections for one execution; fails the step if the profile is not there any more. */
    public Staged stage(String executionId, String profile) {
        try {
            AwsConfigFile credentials = AwsConfigFile.read(awsPath.resolve("credentials"));
            AwsConfigFile config = AwsConfigFile.read(awsPath.resolve("config"));
            StringBuilder credentialsOut = new StringBuilder();
            StringBuilder configOut = new StringBuilder();
            List<String> secrets = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            boolean found = copy(profile, credentials, config, credentialsOut, configOut, secrets, seen);
            if (!found) {
                throw new StepFailure("aws_profile '" + profile + "' is not in the credentials mounted at " + awsPath
                        + " (it was there when the scan was accepted)");
            }
            Path dir = directories.credentialsDirectory(executionId);
            write(dir.resolve("credentials"), credentialsOut.toString());
            write(dir.resolve("config"), configOut.toString());
            if (configOut.indexOf("sso_") >= 0) {
                copySsoCache(dir);
            }
            return new Staged(dir, directories.hostPathOf(dir), List.copyOf(secrets));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the credentials of aws_profile '" + profile + "'", e);
        }
    }

    /** The secret values of the profile, for redaction, without staging anything. */
    public List<String> secretsOf(String profile) {
        try {
            List<String> secrets = new ArrayList<>();
            copy(profile, AwsConfigFile.read(awsPath.resolve("credentials")), AwsConfigFile.read(awsPath.resolve("config")),
                    new StringBuilder(), new StringBuilder(), secrets, new LinkedHashSet<>());
            return secrets;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static boolean copy(String profile, AwsConfigFile credentials, AwsConfigFile config, StringBuilder credentialsOut,
                                StringBuilder configOut, List<String> secrets, Set<String> seen) {
        if (!seen.add(profile)) {
            return true;
        }
        boolean found = false;
        var inCredentials = credentials.section(profile);
        if (inCredentials.isPresent()) {
            found = true;
            credentialsOut.append(inCredentials.get().text());
            collectSecrets(inCredentials.get(), secrets);
        }
        var inConfig = config.section(profile.equals("default") ? "default" : "profile " + profile)
                .or(() -> config.section(profile));
        if (inConfig.isPresent()) {
            found = true;
            configOut.append(inConfig.get().text());
            collectSecrets(inConfig.get(), secrets);
            String session = inConfig.get().settings().get("sso_session");
            if (session != null && seen.add("sso-session " + session)) {
                config.section("sso-session " + session).ifPresent(s -> configOut.append(s.text()));
            }
        }
        for (var section : new ArrayList<>(List.of(inCredentials, inConfig))) {
            String source = section.map(s -> s.settings().get("source_profile")).orElse(null);
            if (source != null) {
                copy(source, credentials, config, credentialsOut, configOut, secrets, seen);
            }
        }
        return found;
    }

    private static void collectSecrets(AwsConfigFile.Section section, List<String> secrets) {
        section.settings().forEach((key, value) -> {
            if (SECRET_KEYS.contains(key) && !value.isBlank()) {
                secrets.add(value);
            }
        });
    }

    /** A profile signed in through IAM Identity Center needs the cached tokens of its session. */
    private void copySsoCache(Path staged) throws IOException {
        Path cache = awsPath.resolve("sso").resolve("cache");
        if (!Files.isDirectory(cache)) {
            return;
        }
        Path target = Files.createDirectories(staged.resolve("sso").resolve("cache"));
        try (Stream<Path> files = Files.list(cache)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
                directories.makeGroupReadable(target.resolve(file.getFileName()));
            }
        }
    }

    private void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        directories.makeGroupReadable(file);
    }

    /** Removes an execution's staged credentials; never throws. */
    public void remove(String executionId) {
        if (executionId == null) {
            return;
        }
        Path dir = directories.credentialsDirectory(executionId, false);
        if (!SafeTree.delete(dir)) {
            log.warn("Could not remove the staged credentials in {}; the next sweep removes them", dir);
        }
    }

    /**
     * Removes staged credentials of executions that are no longer running (left by a crash, or by a step that
     * ended while the database was away). The directories are listed before the running executions are
     * asked for, so one staged in between by another worker is never taken for a leftover.
     */
    public void removeAllBut(Supplier<Set<String>> liveExecutions) {
        Path root = directories.credentialsRoot();
        if (!Files.isDirectory(root)) {
            return;
        }
        List<String> staged;
        try (Stream<Path> dirs = Files.list(root)) {
            staged = dirs.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            log.warn("Could not list staged credentials in {} ({})", root, e.toString());
            return;
        }
        if (staged.isEmpty()) {
            return;
        }
        Set<String> live = liveExecutions.get();
        staged.stream().filter(name -> !live.contains(name)).forEach(this::remove);
    }
}
