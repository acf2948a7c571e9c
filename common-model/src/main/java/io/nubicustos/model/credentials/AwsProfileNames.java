package io.nubicustos.model.credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the AWS profiles in a credentials directory, and nothing else of it: the sections of {@code credentials}
 * ({@code [name]}) and of {@code config} ({@code [default]}, {@code [profile name]}), without {@code sso-session}
 * sections. Workers publish these names, so that the API can check a scan's {@code aws_profile} without ever reading a
 * file that holds keys.
 */
public final class AwsProfileNames {

    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\s*(?:profile\\s+)?([^\\]]+?)\\s*]\\s*(?:[#;].*)?$");
    private static final long MAX_SIZE = 1024 * 1024;

    private AwsProfileNames() {
    }

    public static Set<String> read(Path directory) {
        Set<String> names = new LinkedHashSet<>();
        for (String file : new String[] {"credentials", "config"}) {
            Path path = directory.resolve(file);
            try {
                if (!Files.isRegularFile(path) || Files.size(path) > MAX_SIZE) {
                    continue;
                }
                try (var lines = Files.lines(path)) {
                    lines.forEach(line -> {
                        Matcher m = SECTION.matcher(line);
                        if (m.matches() && !m.group(1).startsWith("sso-session")) {
                            names.add(m.group(1));
                        }
                    });
                }
            } catch (IOException | UncheckedIOException e) {
                throw new UncheckedIOException("cannot read " + path, e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
