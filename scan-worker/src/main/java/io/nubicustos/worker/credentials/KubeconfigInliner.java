package io.nubicustos.worker.credentials;

import io.nubicustos.worker.StepFailure;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A kubeconfig made whole for a tool's container, which sees only its staged copy: the files it names (a cluster's
 * {@code certificate-authority}, a user's {@code client-certificate}, {@code client-key}, {@code tokenFile}) are
 * inlined as their {@code -data} / {@code token} forms, read from the kubeconfig's own directory (paths resolve
 * against it, as kubectl resolves them) and never from outside it, so a kubeconfig cannot make the worker copy any
 * file of its host into a container. An exec plugin ({@code aws eks get-token}) or an auth provider cannot run in the
 * tool's image: when the current context uses one, the step fails saying so instead of Kubescape failing later.
 * Entries the current context does not use are left as they are (the tool never reads them).
 */
final class KubeconfigInliner {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final long FILE_MAX_SIZE = 256 * 1024;
    private static final Map<String, String> CLUSTER_FILES = Map.of("certificate-authority", "certificate-authority-data");
    private static final Map<String, String> USER_FILES = Map.of("client-certificate", "client-certificate-data",
            "client-key", "client-key-data", "tokenFile", "token");
    private static final List<String> USER_SECRETS = List.of("token", "password", "client-key-data", "client-certificate-data");

    /** @param text a kubeconfig's text; the copy to stage, and the secret values in it for redaction */
    record Inlined(String text, List<String> secrets) {
    }

    private KubeconfigInliner() {
    }

    static Inlined inline(String text, Path directory) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new StepFailure("the kubeconfig is not YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new StepFailure("the kubeconfig is not a YAML map (apiVersion, clusters, users, contexts)");
        }
        String current = root.path("current-context").asString("");
        JsonNode context = named(root.path("contexts"), current).path("context");
        if (current.isEmpty() || context.isMissingNode()) {
            throw new StepFailure("the kubeconfig has no current-context" + (current.isEmpty() ? "" : " named " + current)
                    + ": Kubescape scans the cluster of the current context");
        }
        String clusterName = context.path("cluster").asString("");
        String userName = context.path("user").asString("");
        boolean changed = false;
        JsonNode cluster = named(root.path("clusters"), clusterName).path("cluster");
        if (cluster instanceof ObjectNode object) {
            changed |= inlineFiles(object, CLUSTER_FILES, directory, "cluster " + clusterName);
        }
        JsonNode user = named(root.path("users"), userName).path("user");
        if (user instanceof ObjectNode object) {
            for (String plugin : List.of("exec", "auth-provider")) {
                if (object.has(plugin)) {
                    String command = object.path(plugin).path("command").asString(object.path(plugin).path("name").asString("?"));
                    throw new StepFailure("the kubeconfig's user " + userName + " authenticates with " + ("exec".equals(plugin)
                            ? "an exec plugin (" + command + ")" : "an auth provider (" + command + ")") + ", which the tool's"
                            + " image cannot run; give it a token (a service account's) or client certificate data instead");
                }
            }
            changed |= inlineFiles(object, USER_FILES, directory, "user " + userName);
        }
        List<String> secrets = new ArrayList<>();
        for (JsonNode entry : root.path("users")) {
            for (String field : USER_SECRETS) {
                String value = entry.path("user").path(field).asString("");
                if (!value.isBlank()) {
                    secrets.add(value);
                }
            }
        }
        // why: an untouched kubeconfig is staged as the operator wrote it, comments and all
        return new Inlined(changed ? YAML.writeValueAsString(root) : text, List.copyOf(secrets));
    }

    private static boolean inlineFiles(ObjectNode entry, Map<String, String> files, Path directory, String what) {
        boolean changed = false;
        for (Map.Entry<String, String> file : files.entrySet()) {
            String path = entry.path(file.getKey()).asString("");
            if (path.isEmpty()) {
                continue;
            }
            byte[] content = read(directory, path, what + "'s " + file.getKey());
            entry.remove(file.getKey());
            entry.put(file.getValue(), "token".equals(file.getValue())
                    ? new String(content, StandardCharsets.UTF_8).trim() : Base64.getEncoder().encodeToString(content));
            changed = true;
        }
        return changed;
    }

    private static byte[] read(Path directory, String name, String what) {
        try {
            Path base = directory.toRealPath();
            Path file = base.resolve(name).normalize();
            if (!Files.isRegularFile(file)) {
                throw new StepFailure("the kubeconfig's " + what + " names " + name + ", which is not a file beside it in " + directory);
            }
            Path real = file.toRealPath();
            // why: the worker reads it as root; a kubeconfig must not make it copy /etc/shadow into a tool's container
            if (!real.startsWith(base)) {
                throw new StepFailure("the kubeconfig's " + what + " names " + name + ", outside " + directory
                        + " (the mounted kube credentials): copy it there, or inline it as -data");
            }
            if (Files.size(real) > FILE_MAX_SIZE) {
                throw new StepFailure("the kubeconfig's " + what + " names " + name + ", larger than 256 KB; it is not a certificate, key or token");
            }
            return Files.readAllBytes(real);
        } catch (IOException e) {
            throw new StepFailure("the kubeconfig's " + what + " names " + name + ", which cannot be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode entry : list) {
            if (name.equals(entry.path("name").asString(""))) {
                return entry;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }
}
