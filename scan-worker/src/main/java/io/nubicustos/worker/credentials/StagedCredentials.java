package io.nubicustos.worker.credentials;

import java.util.Locale;
import io.nubicustos.support.aws.AwsProfileFiles;
import io.nubicustos.model.credentials.AmbientCredentials;
import org.springframework.beans.factory.annotation.Autowired;
import java.util.Map;
import java.util.function.Supplier;

import io.nubicustos.model.files.SafeTree;
import io.nubicustos.worker.StepFailure;
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
 * other profile (other accounts, other teams) stays out of reach of the third-party code in the image. A scan the
 * API accepted with ambient credentials gets a {@code [default]} profile made from this worker's environment instead
 * ({@link AmbientCredentials}), staged the same way.
 */
@Component
public class StagedCredentials {

    private static final Logger log = LoggerFactory.getLogger(StagedCredentials.class);
    private static final Set<String> SECRET_KEYS = Set.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
            "aws_security_token");

    private final Path awsPath;
    private final Path kubePath;
    private final ReportDirectories directories;
    private final boolean allowAmbient;
    private final Supplier<Map<String, String>> environment;

    @Autowired
    StagedCredentials(WorkerProperties properties, ReportDirectories directories) {
        this(properties, directories, System::getenv);
    }

    StagedCredentials(WorkerProperties properties, ReportDirectories directories, Supplier<Map<String, String>> environment) {
        this.awsPath = properties.credentials().awsPath();
        this.kubePath = properties.credentials().kubePath();
        this.directories = directories;
        this.allowAmbient = properties.credentials().allowAmbient();
        this.environment = environment;
    }

    /**
     * A staged profile: where it was written, its secret values (for redacting the tool's output), and the variables
     * passed to the container by name (ambient credentials only: region, credentials endpoints).
     */
    public record Staged(Path directory, String hostPath, List<String> secrets, Map<String, String> environment) {
        Staged(Path directory, String hostPath, List<String> secrets) {
            this(directory, hostPath, secrets, Map.of());
        }

        @Override
        public String toString() {
            // why: never print a secret, whoever logs this
            return "Staged[" + directory + ", passed " + environment.keySet() + "]";
        }
    }

    /**
     * Stages the plan's AWS profile for one execution: from the mounted files, or, when the API decided the scan runs
     * with ambient credentials, made from this worker's environment.
     */
    public Staged stage(String executionId, String profile, boolean ambient) {
        if (!ambient) {
            return stage(executionId, profile);
        }
        if (!allowAmbient || !AmbientCredentials.PROFILE.equals(profile)) {
            throw new StepFailure("the scan was accepted to run with ambient credentials, which this worker does not allow"
                    + " (set nubicustos.credentials.allow-ambient=true on the workers as on the API)");
        }
        Map<String, String> keys = AmbientCredentials.from(environment.get(), AmbientCredentials.PROFILE_VARIABLES);
        Map<String, String> passed = AmbientCredentials.from(environment.get(), AmbientCredentials.PASSED_VARIABLES);
        StringBuilder credentialsOut = new StringBuilder("[default]\n");
        if (keys.containsKey("AWS_ACCESS_KEY_ID") && keys.containsKey("AWS_SECRET_ACCESS_KEY")) {
            credentialsOut.append("aws_access_key_id = ").append(keys.get("AWS_ACCESS_KEY_ID")).append('\n')
                    .append("aws_secret_access_key = ").append(keys.get("AWS_SECRET_ACCESS_KEY")).append('\n');
            String token = keys.getOrDefault("AWS_SESSION_TOKEN", keys.get("AWS_SECURITY_TOKEN"));
            if (token != null) {
                credentialsOut.append("aws_session_token = ").append(token).append('\n');
            }
        }
        // why: an empty [default] still names a profile that exists, so tools given --profile default find it and the SDK
        // goes on to the instance role or the task's endpoint when there is no key
        StringBuilder configOut = new StringBuilder("[default]\n");
        String region = passed.getOrDefault("AWS_REGION", passed.get("AWS_DEFAULT_REGION"));
        if (region != null) {
            configOut.append("region = ").append(region).append('\n');
        }
        try {
            Path dir = directories.credentialsDirectory(executionId);
            write(dir.resolve("credentials"), credentialsOut.toString());
            write(dir.resolve("config"), configOut.toString());
            return new Staged(dir, directories.hostPathOf(dir), ambientSecrets(environment.get()), passed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the ambient credentials of aws_profile 'default'", e);
        }
    }

    /**
     * Stages what the plan's credentials mount asks for: a role-reached account's assuming profile, or else the named
     * profile (from the mounted files, or ambient).
     */
    public Staged stage(String executionId, String profile, io.nubicustos.model.catalog.ToolDefinition.CredentialsMount mount) {
        if (mount.role() != null) {
            return stageAssumed(executionId, mount.role());
        }
        return stage(executionId, profile, mount.ambient());
    }

    /**
     * Stages a profile that assumes a role-reached account's role from the security account's source profile: the source
     * profile's sections as for any profile (its keys are redacted as ever), and a {@code [profile <name>]} in {@code config}
     * with {@code role_arn}, {@code source_profile}, {@code external_id}, {@code role_session_name} and
     * {@code duration_seconds}, which botocore, the Go SDK and the JavaScript SDK (with {@code AWS_SDK_LOAD_CONFIG=1}) read
     * to assume the role themselves. No key of the account is ever made here, and none goes into the environment.
     */
    Staged stageAssumed(String executionId, io.nubicustos.model.catalog.ToolDefinition.AssumedRole role) {
        if (role.profile().equals(role.sourceProfile())) {
            throw new StepFailure("the assumed role's profile '" + role.profile() + "' is its own source profile");
        }
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("role_arn", role.roleArn());
        settings.put("source_profile", role.sourceProfile());
        settings.put("role_session_name", role.sessionName());
        if (role.externalId() != null) {
            settings.put("external_id", role.externalId());
        }
        if (role.durationSeconds() != null) {
            settings.put("duration_seconds", Integer.toString(role.durationSeconds()));
        }
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            // why: plans are data in the database; a value that breaks a line would write a setting or a section of its own
            if (!setting.getValue().matches("[A-Za-z0-9_+=,.@:/-]{1,2048}")) {
                throw new StepFailure("the assumed role's " + setting.getKey() + " holds characters an AWS config file cannot carry");
            }
        }
        try {
            AwsProfileFiles files = mountedFiles();
            if (files.contains(role.profile())) {
                throw new StepFailure("the credentials mounted at " + awsPath + " already have a profile named '" + role.profile()
                        + "', the name the account's assumed role is staged under; rename that profile");
            }
            StringBuilder credentialsOut = new StringBuilder();
            StringBuilder configOut = new StringBuilder();
            List<String> secrets = new ArrayList<>();
            if (!copy(role.sourceProfile(), files, credentialsOut, configOut, secrets, new LinkedHashSet<>())) {
                throw new StepFailure("source_profile '" + role.sourceProfile() + "' of the account's role " + role.roleArn()
                        + " is not in the credentials mounted at " + awsPath);
            }
            write(configOut, "profile " + role.profile(), settings, secrets);
            return writeStaged(executionId, credentialsOut, configOut, secrets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the assumed role " + role.roleArn(), e);
        }
    }

    /** Writes the profile's sections for one execution; fails the step if the profile is not there any more. */
    Staged stage(String executionId, String profile) {
        try {
            AwsProfileFiles files = mountedFiles();
            StringBuilder credentialsOut = new StringBuilder();
            StringBuilder configOut = new StringBuilder();
            List<String> secrets = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            boolean found = copy(profile, files, credentialsOut, configOut, secrets, seen);
            if (!found) {
                throw new StepFailure("aws_profile '" + profile + "' is not in the credentials mounted at " + awsPath
                        + " (it was there when the scan was accepted)");
            }
            return writeStaged(executionId, credentialsOut, configOut, secrets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the credentials of aws_profile '" + profile + "'", e);
        }
    }

    /** The mounted credentials as the SDKs read them; a file they cannot read fails the step, not this host. */
    private AwsProfileFiles mountedFiles() {
        try {
            return AwsProfileFiles.read(awsPath);
        } catch (AwsProfileFiles.Unreadable e) {
            // why: the operator's file, not this host, is at fault: the step fails saying so, the worker stays healthy
            throw new StepFailure("the AWS credentials cannot be staged: " + e.getMessage());
        }
    }

    /** Writes the execution's {@code credentials} and {@code config} (and the SSO token its profiles' sessions need). */
    private Staged writeStaged(String executionId, StringBuilder credentialsOut, StringBuilder configOut, List<String> secrets)
            throws IOException {
        Path dir = directories.credentialsDirectory(executionId);
        write(dir.resolve("credentials"), credentialsOut.toString());
        write(dir.resolve("config"), configOut.toString());
        if (configOut.indexOf("sso_") >= 0) {
            copySsoCache(dir, configOut.toString());
        }
        return new Staged(dir, directories.hostPathOf(dir), List.copyOf(secrets));
    }

    /**
     * The secret values an execution's tool may print, for redaction, without staging anything: those of the profile it
     * was staged with (read back from its staged files while they exist: a worker that adopts the step may not share the
     * environment the profile was made from), of the mounted profile, and of this worker's ambient credentials.
     */
    public List<String> secretsOf(String profile, String executionId) {
        List<String> secrets = new ArrayList<>(secretsOf(profile));
        if (executionId != null) {
            // why: the staged files are removed with the step; the other sources remain
            secretsIn(directories.credentialsDirectory(executionId, false), profile, secrets);
        }
        if (allowAmbient && AmbientCredentials.PROFILE.equals(profile)) {
            secrets.addAll(ambientSecrets(environment.get()));
        }
        return secrets;
    }

    /**
     * As {@link #secretsOf(String, String)}, and for a role-reached account's step, its source profile's secrets from the
     * mounted files too: the staged profile's name exists only in the staged directory, which a worker adopting the step
     * after it was removed no longer has.
     */
    public List<String> secretsOf(String profile, String executionId, io.nubicustos.model.catalog.ToolDefinition.CredentialsMount mount) {
        List<String> secrets = new ArrayList<>(secretsOf(profile, executionId));
        if (mount != null && mount.role() != null) {
            secrets.addAll(secretsOf(mount.role().sourceProfile()));
        }
        return secrets;
    }

    /** The secret values of the profile, for redaction, without staging anything. */
    List<String> secretsOf(String profile) {
        List<String> secrets = new ArrayList<>();
        secretsIn(awsPath, profile, secrets);
        return secrets;
    }

    /** Adds the secret values of {@code profile} in the credentials files of {@code directory}; none if they cannot be read. */
    private static void secretsIn(Path directory, String profile, List<String> secrets) {
        List<String> found = new ArrayList<>();
        try {
            copy(profile, AwsProfileFiles.read(directory), new StringBuilder(), new StringBuilder(), found, new LinkedHashSet<>());
        } catch (RuntimeException unreadable) {
            // why: what was found before the file was refused is still to be redacted
        }
        secrets.addAll(found);
    }

    /** The values of the secret variables among {@code variables} (blank ones are no secret to redact). */
    private static List<String> ambientSecrets(Map<String, String> variables) {
        return AmbientCredentials.SECRET_VARIABLES.stream().map(variables::get).filter(v -> v != null && !v.isBlank()).toList();
    }

    /**
     * Writes the profile's settings from each file as the AWS SDK read them (so a section the SDKs ignore, such as a
     * {@code [name]} without {@code profile } in {@code config}, is not staged either), then its {@code sso-session}
     * and, recursively, its {@code source_profile}; collects the secret values met on the way.
     */
    private static boolean copy(String profile, AwsProfileFiles files, StringBuilder credentialsOut, StringBuilder configOut,
                                List<String> secrets, Set<String> seen) {
        if (!seen.add(profile)) {
            return true;
        }
        var inCredentials = files.inCredentials(profile);
        inCredentials.ifPresent(settings -> write(credentialsOut, profile, settings, secrets));
        var inConfig = files.inConfig(profile);
        inConfig.ifPresent(settings -> {
            write(configOut, profile.equals("default") ? "default" : "profile " + profile, settings, secrets);
            String session = setting(settings, "sso_session");
            if (session != null && seen.add("sso-session " + session)) {
                files.ssoSession(session).ifPresent(s -> write(configOut, "sso-session " + session, s, secrets));
            }
        });
        for (var settings : List.of(inCredentials, inConfig)) {
            String source = settings.map(s -> setting(s, "source_profile")).orElse(null);
            if (source != null) {
                copy(source, files, credentialsOut, configOut, secrets, seen);
            }
        }
        return inCredentials.isPresent() || inConfig.isPresent();
    }

    private static void write(StringBuilder out, String section, Map<String, String> settings, List<String> secrets) {
        out.append('[').append(section).append("]\n");
        settings.forEach((key, value) -> {
            // why: a sub-property block (s3 =, then indented lines) comes back as one value with line breaks; indented
            // again it reads as it was written
            String[] lines = value.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String trimmed = lines[i].strip();
                // why: the value's first line is the value itself (a token may end in '='); the lines below it are
                // "name = value" sub-properties
                int equals = i == 0 ? -1 : trimmed.indexOf('=');
                String name = equals < 0 ? key : trimmed.substring(0, equals).strip();
                String secret = equals < 0 ? trimmed : trimmed.substring(equals + 1).strip();
                if (SECRET_KEYS.contains(name.toLowerCase(Locale.ROOT)) && !secret.isBlank()) {
                    secrets.add(secret);
                }
            }
            for (String line : lines) {
                String trimmed = line.strip();
                // why: the SDK reads an indented [name] as part of the value above it; a JavaScript SDK trims lines and
                // reads it as a section: staged, another profile would ride along inside this one
                if (trimmed.startsWith("[")) {
                    throw new StepFailure("the setting '" + key + "' of [" + section + "] holds an indented line that reads as a section"
                            + " header (" + trimmed.substring(0, Math.min(trimmed.length(), 40)) + "); remove its indentation");
                }
            }
            out.append(key).append(" = ").append(value.replace("\n", "\n  ")).append('\n');
        });
    }

    private static String setting(Map<String, String> settings, String key) {
        return settings.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    /**
     * A profile signed in through IAM Identity Center needs the cached token of its session, and only that one: the
     * cache holds every session's token the operator signed in with. Botocore names a token's file by the SHA-1 of the
     * profile's {@code sso_session} name, else of its {@code sso_start_url}
     * (boto/botocore@0e6e2404b85dc336dd2889814e089bde7d1a4c55, botocore/utils.py:3398, SSOTokenLoader._generate_cache_key).
     */
    private void copySsoCache(Path staged, String stagedConfig) throws IOException {
        Path cache = awsPath.resolve("sso").resolve("cache");
        if (!Files.isDirectory(cache)) {
            return;
        }
        Path target = Files.createDirectories(staged.resolve("sso").resolve("cache"));
        for (String key : ssoCacheKeys(stagedConfig)) {
            Path file = cache.resolve(key + ".json");
            if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.copy(file, target.resolve(file.getFileName()));
                directories.makeGroupReadable(target.resolve(file.getFileName()));
            }
        }
    }

    /** The cache keys of the staged profiles' sessions: sha1(sso_session), else sha1(sso_start_url), per profile. */
    static Set<String> ssoCacheKeys(String config) {
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, String> profile : AwsProfileFiles.configProfiles(config).values()) {
            String input = profile.get("sso_session") != null ? profile.get("sso_session") : profile.get("sso_start_url");
            if (input != null && !input.isEmpty()) {
                try {
                    keys.add(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                            .digest(input.getBytes(StandardCharsets.UTF_8))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    private void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        directories.makeGroupReadable(file);
    }

    /** The kubeconfig's lines whose values are secrets (bearer tokens, client keys, passwords). */
    private static final long KUBECONFIG_MAX_SIZE = 1024 * 1024;

    /**
     * Stages the kubeconfig for one execution, as an AWS profile is staged: a copy of {@code <kube>/config} in the
     * execution's own directory, group-readable, so that a tool running as a user of its own (Kubescape's uid 65532) can
     * read it whatever the operator's file's mode is, and the tool never sees the rest of the kube directory. Paths the
     * kubeconfig names (a client certificate on disk, an exec plugin) are not copied: use the inline {@code -data} forms.
     */
    public Staged stageKube(String executionId) {
        Path source = kubePath.resolve("config");
        try {
            if (!Files.isRegularFile(source)) {
                throw new StepFailure("no kubeconfig at " + source + " (mount one there for Kubescape)");
            }
            if (Files.size(source) > KUBECONFIG_MAX_SIZE) {
                throw new StepFailure("the kubeconfig at " + source + " is larger than 1 MB; it is not one");
            }
            // why: the container sees only this copy: files it names are inlined, and plugins it cannot run are refused
            KubeconfigInliner.Inlined inlined = KubeconfigInliner.inline(Files.readString(source, StandardCharsets.UTF_8), kubePath);
            Path dir = directories.credentialsDirectory(executionId);
            write(dir.resolve("config"), inlined.text());
            return new Staged(dir, directories.hostPathOf(dir), inlined.secrets());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the kubeconfig " + source, e);
        }
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
