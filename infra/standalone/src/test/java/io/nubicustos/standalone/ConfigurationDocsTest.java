package io.nubicustos.standalone;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's settings table against what the services really read: the configuration metadata that
 * {@code spring-boot-configuration-processor} writes from each service's {@code @ConfigurationProperties} (every
 * setting with its {@code @DefaultValue}), overridden by the service's own YAML where it sets one. A default the
 * README states differently, or a {@code nubicustos.*} setting it names that no service has, fails here.
 */
class ConfigurationDocsTest {

    private static final Pattern VARIABLE = Pattern.compile("NUBICUSTOS_[A-Z_]+");
    private static final Pattern SIMPLE_VALUE = Pattern.compile("`?([\\w.\\-]+)`?");
    private static final Pattern PROPERTY_NAME = Pattern.compile("`(nubicustos\\.[a-z][a-z0-9.\\-]*[a-z0-9])`");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Test
    void everyDefaultTheSettingsTableStatesIsTheOneTheServicesUse() throws IOException {
        Map<String, String> defaults = effectiveDefaults();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String row : settingsRows()) {
            String[] cells = row.split("\\s*\\|\\s*");
            List<String> variables = new ArrayList<>();
            Matcher variable = VARIABLE.matcher(cells[1]);
            while (variable.find()) {
                variables.add(variable.group());
            }
            String[] stated = cells[3].split(",\\s*");
            if (variables.isEmpty() || stated.length != variables.size()) {
                continue;
            }
            for (int i = 0; i < variables.size(); i++) {
                Matcher value = SIMPLE_VALUE.matcher(stated[i].trim());
                String key = normalized(variables.get(i));
                // why: an empty default is said in words (none, built-in, generated), which no value can equal
                if (!value.matches() || !defaults.containsKey(key) || defaults.get(key).isEmpty()) {
                    continue;
                }
                checked++;
                if (!value.group(1).equals(defaults.get(key))) {
                    wrong.add(variables.get(i) + ": README says " + value.group(1) + ", the services use " + defaults.get(key));
                }
            }
        }
        assertThat(checked).as("settings whose stated default was compared").isGreaterThanOrEqualTo(10);
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyNubicustosSettingTheReadmeNamesExists() throws IOException {
        Map<String, String> known = effectiveDefaults();
        List<String> properties = new ArrayList<>();
        for (String name : allPropertyNames()) {
            properties.add(name);
        }
        List<String> unknown = new ArrayList<>();
        Matcher named = PROPERTY_NAME.matcher(Files.readString(readme()));
        while (named.find()) {
            String name = named.group(1);
            boolean exists = properties.stream().anyMatch(p -> p.equals(name) || p.startsWith(name + "."));
            if (!exists && !topics().contains(name)) {
                unknown.add(name);
            }
        }
        assertThat(known).isNotEmpty();
        assertThat(unknown).as("settings the README names that no service has").isEmpty();
    }

    /** The Kafka topics' names, which read like settings ({@code nubicustos.scan-requests}). */
    private static java.util.Set<String> topics() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (java.lang.reflect.Field field : io.nubicustos.model.messaging.Topics.class.getFields()) {
            if (field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /** Normalized name (relaxed binding: no case, dots, dashes or underscores) to the default a service starts with. */
    private static Map<String, String> effectiveDefaults() throws IOException {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (JsonNode property : metadata()) {
            JsonNode value = property.get("defaultValue");
            if (value != null && value.isValueNode()) {
                defaults.put(normalized(property.get("name").asString()), value.asString());
            }
        }
        for (String service : List.of("api-gateway", "scan-worker", "report-processor", "nubicustos-common")) {
            try (InputStream yaml = ConfigurationDocsTest.class.getResourceAsStream("/" + service + ".yml")) {
                assertThat(yaml).as(service + ".yml on the classpath").isNotNull();
                flatten("", new YAMLMapper().readTree(yaml), defaults);
            }
        }
        return defaults;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), into));
        } else if (node.isValueNode()) {
            String text = node.asString();
            // why: a placeholder (${PORT:8000}) is the environment's to fill; its fallback is the default
            Matcher placeholder = Pattern.compile("\\$\\{[^:}]+:([^}]*)}").matcher(text);
            into.put(normalized(prefix), placeholder.matches() ? placeholder.group(1) : text);
        }
    }

    private static List<String> allPropertyNames() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata()) {
            names.add(property.get("name").asString());
        }
        return names;
    }

    private static List<JsonNode> metadata() throws IOException {
        List<JsonNode> properties = new ArrayList<>();
        List<URL> files = Collections.list(ConfigurationDocsTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"));
        int ours = 0;
        for (URL file : files) {
            try (InputStream in = file.openStream()) {
                JsonNode root = JSON.readTree(in);
                for (JsonNode property : root.path("properties")) {
                    if (property.get("name").asString().startsWith("nubicustos.")) {
                        properties.add(property);
                        ours++;
                    }
                }
            }
        }
        assertThat(ours).as("settings in the services' configuration metadata").isGreaterThan(50);
        return properties;
    }

    private static List<String> settingsRows() throws IOException {
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(readme())) {
            if (line.startsWith("| variable | services | default | meaning |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && line.startsWith("| `")) {
                rows.add(line);
            }
        }
        assertThat(rows).as("rows of the README's settings table").hasSizeGreaterThan(20);
        return rows;
    }

    private static String normalized(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[._\\-]", "");
    }

    private static Path readme() {
        return Path.of("").toAbsolutePath().getParent().getParent().resolve("README.md");
    }
}
