package io.nubicustos.model.control;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A framework's requirements and which check of which tool tests each: the common controls findings of different tools
 * are matched on. Kept as data ({@code nubicustos/controls/<framework>.yaml}) with the sources of every mapping in the
 * file's comments.
 *
 * @param framework    our id of the framework, e.g. {@code cis-aws-1.4.0}
 * @param title        its name
 * @param aliases      how the tools name it in their own reports' compliance fields ({@code CIS-1.4}), so a finding that
 *                     names a requirement itself is read as this framework's
 * @param requirements in the framework's own order
 */
public record ControlFramework(String framework, String title, List<String> aliases, List<Requirement> requirements) {

    /** The frameworks shipped with Nubicustos. */
    public static final List<String> BUILT_IN = List.of("cis-aws-1.4.0");

    private static final ObjectMapper YAML = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public ControlFramework {
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(title, "title");
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
        Set<String> ids = new HashSet<>();
        for (Requirement r : requirements) {
            if (!ids.add(r.id())) {
                throw new IllegalArgumentException("framework " + framework + " lists requirement " + r.id() + " twice");
            }
        }
    }

    /**
     * One requirement.
     *
     * @param scope  {@code account} when it is about the account as a whole (a password policy, the root user, a service
     *               in every region): tools agree on the account, whatever resource each names; {@code resource} when it
     *               is about individual resources, matched on their {@link ResourceKey}
     * @param checks tool (catalog key) to the tool's own check ids
     */
    public record Requirement(String id, String title, String assessment, String scope, Map<String, List<String>> checks) {
        public Requirement {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(title, "title of " + id);
            assessment = assessment == null ? "automated" : assessment;
            scope = scope == null ? "resource" : scope;
            if (!Set.of("automated", "manual").contains(assessment)) {
                throw new IllegalArgumentException("requirement " + id + ": assessment is automated or manual, not " + assessment);
            }
            if (!Set.of("account", "resource").contains(scope)) {
                throw new IllegalArgumentException("requirement " + id + ": scope is account or resource, not " + scope);
            }
            checks = checks == null ? Map.of() : Map.copyOf(checks);
        }
    }

    /** Reads one of the built-in frameworks. */
    public static ControlFramework builtIn(String framework) {
        String resource = "nubicustos/controls/" + framework + ".yaml";
        try (InputStream in = ControlFramework.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no control mapping " + resource + " on the class path");
            }
            return YAML.readValue(in, ControlFramework.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JacksonException e) {
            throw new IllegalStateException("the control mapping " + resource + " is not valid: " + e.getOriginalMessage(), e);
        }
    }

    /** All built-in frameworks. */
    public static List<ControlFramework> builtIns() {
        return BUILT_IN.stream().map(ControlFramework::builtIn).toList();
    }

    /** How many distinct checks of {@code tool} this framework maps. */
    public long checksMapped(String tool) {
        return requirements.stream().flatMap(r -> r.checks().getOrDefault(tool, List.of()).stream()).distinct().count();
    }
}
