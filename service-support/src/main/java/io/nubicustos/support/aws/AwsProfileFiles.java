package io.nubicustos.support.aws;

import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code credentials} and {@code config} files of an AWS credentials directory, read by the AWS SDK for Java's own
 * profile-file parser: the API (which profiles a scan may name), the workers' heartbeat (which names they publish) and
 * the workers' staging (what a step's container gets) all see the profiles the tools' SDKs see, with the same rules for
 * {@code [profile name]} in {@code config}, comments, continuation lines and names the SDKs refuse. A missing file has
 * no profile; a file over 1 MB is refused (it is no credentials file, and the SDK reads it whole).
 */
public final class AwsProfileFiles {

    private static final long MAX_SIZE = 1024 * 1024;
    private static final String SSO_SESSION = "sso-session";

    private final ProfileFile credentials;
    private final ProfileFile config;

    private AwsProfileFiles(ProfileFile credentials, ProfileFile config) {
        this.credentials = credentials;
        this.config = config;
    }

    /** The two files of {@code directory} (links followed: Kubernetes mounts secrets as links). */
    public static AwsProfileFiles read(Path directory) {
        return new AwsProfileFiles(file(directory.resolve("credentials"), ProfileFile.Type.CREDENTIALS),
                file(directory.resolve("config"), ProfileFile.Type.CONFIGURATION));
    }

    /** Every profile name either file defines, credentials first. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>(credentials.profiles().keySet());
        names.addAll(config.profiles().keySet());
        return Collections.unmodifiableSet(names);
    }

    public boolean contains(String profile) {
        return credentials.profile(profile).isPresent() || config.profile(profile).isPresent();
    }

    /** The profile's settings in {@code credentials}, as written (the SDK keeps a property's name as it is spelled). */
    public Optional<Map<String, String>> inCredentials(String profile) {
        return credentials.profile(profile).map(Profile::properties);
    }

    /** The profile's settings in {@code config} ({@code [profile name]}, or {@code [default]}). */
    public Optional<Map<String, String>> inConfig(String profile) {
        return config.profile(profile).map(Profile::properties);
    }

    /** An {@code [sso-session name]} section of {@code config}. */
    public Optional<Map<String, String>> ssoSession(String name) {
        return config.getSection(SSO_SESSION, name).map(Profile::properties);
    }

    /** The profiles of a {@code config} file's text (sso-session sections are not profiles), each with its settings. */
    public static Map<String, Map<String, String>> configProfiles(String text) {
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        ProfileFile.builder().content(text).type(ProfileFile.Type.CONFIGURATION).build().profiles()
                .forEach((name, profile) -> profiles.put(name, profile.properties()));
        return profiles;
    }

    private static ProfileFile file(Path path, ProfileFile.Type type) {
        String text;
        try {
            if (!Files.isRegularFile(path)) {
                return ProfileFile.builder().content("").type(type).build();
            }
            if (Files.size(path) > MAX_SIZE) {
                throw new Unreadable(path + " is larger than 1 MB; it is not an AWS " + type.name().toLowerCase(Locale.ROOT) + " file");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unreadable("cannot read " + path + ": " + e.getMessage());
        }
        // why: editors on Windows save a byte-order mark the SDK's reader takes for a line that is no section
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        try {
            return ProfileFile.builder().content(text).type(type).build();
        } catch (IllegalArgumentException e) {
            throw new Unreadable(path + " is not read by the AWS SDKs as the operator meant: " + e.getMessage());
        }
    }

    /**
     * The files cannot be read as the AWS SDKs read them (a property before any section, an indented first property,
     * a file over 1 MB, an unreadable file): whoever asked says so to its caller, naming the file and line; it is never
     * anyone's infrastructure failing.
     */
    public static final class Unreadable extends RuntimeException {
        public Unreadable(String message) {
            super(message);
        }
    }
}
