package io.nubicustos.worker.credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS shared {@code credentials} or {@code config} file, read into its sections with their lines
 * kept as written, so that one profile's sections can be written out again on their own.
 */
final class AwsConfigFile {

    private static final Pattern HEADER = Pattern.compile("^\\s*\\[\\s*([^\\]]+?)\\s*]\\s*(?:[#;].*)?$");
    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z0-9_.-]+)\\s*=\\s*(.*?)\\s*$");
    private static final long MAX_SIZE = 1024 * 1024;

    private final Map<String, Section> sections;

    private AwsConfigFile(Map<String, Section> sections) {
        this.sections = sections;
    }

    /** The file's sections, or none if it does not exist. */
    static AwsConfigFile read(Path file) throws IOException {
        Map<String, Section> sections = new LinkedHashMap<>();
        // why: the credentials directory is the operator's (trusted); Kubernetes mounts secrets as links, so links are followed
        if (!Files.isRegularFile(file)) {
            return new AwsConfigFile(sections);
        }
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException(file + " is larger than 1 MB; it is not an AWS credentials file");
        }
        Section current = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                current = new Section(header.group(1).strip(), new ArrayList<>(), new LinkedHashMap<>());
                sections.putIfAbsent(current.name(), current);
                current = sections.get(current.name());
                continue;
            }
            if (current != null) {
                current.lines().add(line);
                Matcher setting = SETTING.matcher(line);
                if (setting.matches()) {
                    current.settings().put(setting.group(1).toLowerCase(Locale.ROOT), setting.group(2));
                }
            }
        }
        return new AwsConfigFile(sections);
    }

    Optional<Section> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /** A {@code [name]} section: its lines as written, and its settings by lower-case key. */
    record Section(String name, List<String> lines, Map<String, String> settings) {
        String text() {
            StringBuilder out = new StringBuilder("[").append(name).append("]\n");
            lines.forEach(l -> out.append(l).append('\n'));
            return out.toString();
        }
    }
}
