package io.nubicustos.worker.docker;

import io.nubicustos.worker.system.InstallationId;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.BadRequestException;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import com.github.dockerjava.api.exception.DockerClientException;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;

/**
 * The container lifecycle, in the order testcontainers uses it: label at create, start, wait for the
 * exit (event-driven {@code docker wait}, no polling), inspect into a typed {@link ContainerExit},
 * capture logs before removal, remove in a way that never throws, and find leftovers by label.
 */
@Component
public class ContainerRunner {

    public static final String LABEL_MANAGED = "io.nubicustos.managed";
    public static final String LABEL_SCAN = "io.nubicustos.scan";
    public static final String LABEL_STEP = "io.nubicustos.step";
    public static final String LABEL_TOOL = "io.nubicustos.tool";
    public static final String LABEL_ATTEMPT = "io.nubicustos.attempt";
    public static final String LABEL_WORKER = "io.nubicustos.worker";
    /** The installation a container belongs to: only its own installation's workers reap, adopt or cancel it. */
    public static final String LABEL_INSTALLATION = "io.nubicustos.installation";
    /** A container made only to see whether the engine can make one; never started, removed at once. */
    public static final String LABEL_PROBE = "io.nubicustos.probe";
    /** A test stand-in's image: it writes sample reports, never real findings. */
    public static final String LABEL_STANDIN = "io.nubicustos.standin";
    private static final String STANDIN = "true";

    private static final Logger log = LoggerFactory.getLogger(ContainerRunner.class);
    private static final int MAX_TAIL_CHARS = 16_384;

    private final DockerEngine engine;
    private final EngineLocks locks;
    private final WorkerProperties.Docker settings;
    private final Map<String, String> networkIds = new ConcurrentHashMap<>();
    private final Set<String> knownImages = ConcurrentHashMap.newKeySet();

    ContainerRunner(DockerEngine engine, EngineLocks locks, WorkerProperties properties, InstallationId installation) {
        this.installation = installation;
        this.engine = engine;
        this.locks = locks;
        this.settings = properties.docker();
    }

    private final InstallationId installation;

    private DockerClient docker() {
        return engine.client();
    }

    /**
     * Makes sure the image is present: a local image is used as is; a missing one is pulled unless the policy
     * forbids it. An image known present is not asked about again (under {@code always} it is pulled every time).
     */
    public void ensureImage(String image) {
        String policy = settings.pullPolicy();
        if (!"always".equals(policy) && knownImages.contains(image)) {
            return;
        }
        boolean present = isPresent(image);
        if (present && !"always".equals(policy)) {
            refuseStandIn(image);
            knownImages.add(image);
            return;
        }
        if (!present && "never".equals(policy)) {
            throw new ImageUnavailable(image, "image " + image + " is not present on Docker host " + engine.describe()
                    + " and the pull policy is 'never'");
        }
        try {
            docker().pullImageCmd(image).exec(new PullImageResultCallback()).awaitCompletion(30, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostFailure("interrupted while pulling " + image, e);
        } catch (DockerException | DockerClientException e) {
            if (present) {
                log.warn("Pulling {} failed ({}); using the local copy", image, e.getMessage());
                refuseStandIn(image);
                return;
            }
            throw new ImageUnavailable(image, "image " + image + " is not present on Docker host " + engine.describe()
                    + " and could not be pulled: " + firstLine(e.getMessage()), e);
        }
        if (!isPresent(image)) {
            throw new ImageUnavailable(image, "image " + image + " is not present on Docker host " + engine.describe() + " after pulling it");
        }
        refuseStandIn(image);
    }

    /**
     * A stand-in (a test image that writes sample reports, labelled {@value #LABEL_STANDIN}) reports sample findings as
     * if they were real: it runs only where the operator said so. Stand-ins never carry a real tool's name, but an image
     * can be retagged; the label is what the worker trusts.
     */
    private void refuseStandIn(String image) {
        if (settings.allowStandins()) {
            return;
        }
        InspectImageResponse inspected = docker().inspectImageCmd(image).exec();
        Map<String, String> labels = inspected.getConfig() == null || inspected.getConfig().getLabels() == null ? Map.of()
                : inspected.getConfig().getLabels();
        if (STANDIN.equals(labels.get(LABEL_STANDIN)) || looksLikeOldStandIn(inspected)) {
            throw new ImageUnavailable(image, "image " + image + " is a test stand-in (label " + LABEL_STANDIN
                    + "=true) whose reports are sample data; this worker runs stand-ins only with nubicustos.docker.allow-standins=true");
        }
    }

    /** The OCI label an image states its version in. */
    public static final String VERSION_LABEL = "org.opencontainers.image.version";

    /**
     * What a container really runs, for the step's provenance: the engine's id of its image ({@code sha256:...}, whatever
     * tag pointed where when it was created) and the tool's version: the image's OCI version label, else the tag the
     * plan named (null for a reference by digest alone).
     */
    public record Provenance(String imageId, String toolVersion) {
        public static final Provenance UNKNOWN = new Provenance(null, null);
    }

    public Provenance provenance(String containerId, String image) {
        String imageId = docker().inspectContainerCmd(containerId).exec().getImageId();
        InspectImageResponse inspected = imageId == null ? null : docker().inspectImageCmd(imageId).exec();
        Map<String, String> labels = inspected == null || inspected.getConfig() == null || inspected.getConfig().getLabels() == null
                ? Map.of() : inspected.getConfig().getLabels();
        // why: the tag was checked when the image was looked up; the container was made from whatever the tag named then
        if (!settings.allowStandins() && (STANDIN.equals(labels.get(LABEL_STANDIN)) || looksLikeOldStandIn(inspected))) {
            throw new ImageUnavailable(image, "image " + image + " (" + imageId + ") is a test stand-in whose reports are sample data;"
                    + " this worker runs stand-ins only with nubicustos.docker.allow-standins=true");
        }
        String version = storable(labels.get(VERSION_LABEL));
        return new Provenance(imageId, version != null ? version : tagOf(image));
    }

    /** A label an image's author chose, as it may be stored: no control characters (PostgreSQL refuses NUL), 128 characters at most. */
    static String storable(String label) {
        if (label == null) {
            return null;
        }
        String clean = label.replaceAll("\\p{Cntrl}", "").strip();
        return clean.isEmpty() ? null : clean.length() > 128 ? clean.substring(0, 128) : clean;
    }

    /**
     * A stand-in built by this project before stand-ins were labelled (they were tagged as the real tools' images): a
     * static busybox running the stand-in script. Refused like a labelled one, so that an engine that once ran the old
     * walkthrough never reports its sample findings as a real tool's.
     */
    static boolean looksLikeOldStandIn(InspectImageResponse image) {
        List<String> entrypoint = image == null || image.getConfig() == null || image.getConfig().getEntrypoint() == null
                ? List.of() : List.of(image.getConfig().getEntrypoint());
        return entrypoint.equals(List.of("/bin/busybox", "sh", "/standin/entry.sh"));
    }

    static String tagOf(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            return name.substring(colon + 1);
        }
        return image.contains("@") ? null : "latest";
    }


    private boolean isPresent(String image) {
        try {
            docker().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Makes sure the network exists on this engine, exactly once, and answers its id, by which containers
     * are attached. Docker lets two networks share a name (two workers creating it at once on a fresh
     * engine get two), and then refuses every container attached by that name as ambiguous; so creation
     * is serialized across every worker of this engine ({@link EngineLocks}), duplicates made by hand or by
     * older versions are repaired (every worker keeps the same one, the lowest id, and removes the others when
     * nothing is attached to them), and containers are attached by the id.
     */
    public String ensureNetwork(String network) {
        if (network == null || List.of("bridge", "host", "none").contains(network)) {
            return network;
        }
        String known = networkIds.get(network);
        if (known != null) {
            return known;
        }
        synchronized (networkIds) {
            known = networkIds.get(network);
            if (known != null) {
                return known;
            }
            // why: other workers on this engine may be creating it right now; Docker's duplicate check is not atomic
            String id = locks.holding(engine.engineId(), "network:" + network, () -> findOrCreate(network));
            networkIds.put(network, id);
            return id;
        }
    }

    private String findOrCreate(String network) {
        List<Network> found = networksNamed(network);
        if (found.isEmpty()) {
            if (!settings.createNetworks()) {
                throw new HostFailure("Docker network " + network + " does not exist (and nubicustos.docker.create-networks is false)");
            }
            docker().createNetworkCmd().withName(network).withDriver("bridge").withCheckDuplicate(true).exec();
            log.info("Created Docker network {} on engine {}", network, engine.describe());
            found = networksNamed(network);
        }
        if (found.isEmpty()) {
            throw new HostFailure("Docker network " + network + " was created but cannot be found");
        }
        String keep = found.get(0).getId();
        for (Network duplicate : found.subList(1, found.size())) {
            try {
                docker().removeNetworkCmd(duplicate.getId()).exec();
                log.warn("Removed duplicate Docker network {} ({}); {} is kept", network, duplicate.getId(), keep);
            } catch (RuntimeException inUse) {
                log.warn("Duplicate Docker network {} ({}) could not be removed ({}); containers are attached to {} by id",
                        network, duplicate.getId(), inUse.getMessage(), keep);
            }
        }
        return keep;
    }

    /** Networks with exactly this name (the engine's name filter matches parts of names), lowest id first. */
    private List<Network> networksNamed(String network) {
        return docker().listNetworksCmd().withNameFilter(network).exec().stream()
                .filter(n -> network.equals(n.getName()))
                .sorted(Comparator.comparing(Network::getId))
                .toList();
    }

    /** Forgets what this worker knows of the engine's networks (after the engine refused one as missing). */
    public void forgetNetworks() {
        networkIds.clear();
    }

    /**
     * Asks the engine to do what a step needs, without running anything: the image present under the pull
     * policy, the network there (both looked up afresh), and a container of that image created on it and
     * removed at once. Answers normally when the host can run the step; throws the reason otherwise.
     */
    public void canary(String image, String network, List<String> entrypoint, List<String> command) {
        knownImages.remove(image);
        forgetNetworks();
        String networkId = ensureNetwork(network);
        try {
            ensureImage(image);
        } catch (ImageUnavailable toolsProblem) {
            // why: an image the host lacks is that tool's problem (its steps fail saying so), never the host's: the host
            // passed what it can be asked without that image
            return;
        }
        // why: a probe left behind by an engine that died between create and remove is never started; clear it
        docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL_PROBE, "true", LABEL_INSTALLATION, installation.value()))
                .exec().forEach(c -> remove(c.getId()));
        String name = "nubicustos-probe-" + UUID.randomUUID().toString().substring(0, 12);
        String id = null;
        try (CreateContainerCmd cmd = docker().createContainerCmd(image)) {
            cmd.withName(name).withLabels(Map.of(LABEL_PROBE, "true", LABEL_INSTALLATION, installation.value()))
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode(networkId).withCapDrop(Capability.ALL));
            if (command != null && !command.isEmpty()) {
                cmd.withCmd(command);
            }
            if (entrypoint != null && !entrypoint.isEmpty()) {
                cmd.withEntrypoint(entrypoint);
            }
            id = cmd.exec().getId();
        } catch (DockerException e) {
            throw new HostFailure("the engine refused to create a container of " + image + ": " + firstLine(e.getMessage()), e);
        } finally {
            remove(id);
        }
    }

    /** Creates the container, or answers the one this very attempt created before a crash. */
    public String create(ContainerSpec spec) {
        List<Bind> binds = new ArrayList<>();
        for (ContainerSpec.BindMount mount : spec.binds()) {
            binds.add(new Bind(mount.hostPath(), new Volume(mount.containerPath()), mount.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        spec.volumes().forEach((name, path) -> binds.add(new Bind(name, new Volume(path))));
        // why: scanners only call cloud APIs and write files; they need no kernel capability and no privilege
        HostConfig host = HostConfig.newHostConfig()
                .withBinds(binds)
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withNetworkMode(spec.network() == null ? null : spec.network());
        if (spec.memoryBytes() != null) {
            host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
        }
        if (spec.nanoCpus() != null) {
            host.withNanoCPUs(spec.nanoCpus());
        }
        if (spec.pids() != null) {
            host.withPidsLimit(spec.pids());
        }
        if (!spec.groups().isEmpty()) {
            host.withGroupAdd(spec.groups());
        }
        try (CreateContainerCmd cmd = docker().createContainerCmd(spec.image())) {
            cmd.withName(spec.name())
                    .withLabels(spec.labels())
                    .withEnv(spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withCmd(spec.command())
                    .withHostConfig(host);
            if (spec.entrypoint() != null) {
                cmd.withEntrypoint(spec.entrypoint());
            }
            return cmd.exec().getId();
        } catch (ConflictException e) {
            InspectContainerResponse existing = find(spec.name()).orElseThrow(() ->
                    new HostFailure("container name " + spec.name() + " is taken and the container cannot be inspected", e));
            return ownNeverStarted(spec, existing);
        } catch (NotFoundException e) {
            // why: the image or the network went away since we last looked; look again next time
            knownImages.remove(spec.image());
            forgetNetworks();
            throw new HostFailure("the Docker engine refused to create " + spec.name() + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The container that holds this attempt's name, when it is this attempt's own and never started (its create
     * answered too late, say); any other holder (another step's container, one planted by someone with access to
     * the engine, this attempt's container that already ran) is never started: the attempt fails and the step's
     * next attempt, under a name of its own, is retried.
     */
    private String ownNeverStarted(ContainerSpec spec, InspectContainerResponse existing) {
        Map<String, String> labels = existing.getConfig() == null || existing.getConfig().getLabels() == null
                ? Map.of() : existing.getConfig().getLabels();
        boolean ours = isOurs(existing) && spec.labels().get(LABEL_STEP).equals(labels.get(LABEL_STEP))
                && spec.labels().get(LABEL_ATTEMPT).equals(labels.get(LABEL_ATTEMPT));
        if (!ours) {
            throw new NameTaken("container name " + spec.name() + " is taken by container " + existing.getId().substring(0, 12)
                    + ", which is not this step attempt's (labels " + LABEL_STEP + "=" + labels.get(LABEL_STEP) + ", " + LABEL_ATTEMPT
                    + "=" + labels.get(LABEL_ATTEMPT) + "); it is left alone");
        }
        if (existing.getState() == null || !"created".equals(existing.getState().getStatus())) {
            throw new NameTaken("this attempt's container " + spec.name() + " exists already and has been started ("
                    + (existing.getState() == null ? "state unknown" : existing.getState().getStatus()) + "); it is not started again");
        }
        return existing.getId();
    }

    /** The container name is held by a container this attempt may not use; the step's next attempt has another name. */
    public static final class NameTaken extends RuntimeException {
        NameTaken(String message) {
            super(message);
        }
    }

    /**
     * Starts the container. An image whose entrypoint, working directory or user does not exist cannot start
     * anywhere: the engine answers 400 naming what it could not exec; that is the image's failure, not the host's.
     */
    public void start(String containerId, String image) {
        try {
            docker().startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // why: adopting a container that is already running is the normal case after a crash
        } catch (NotFoundException e) {
            throw new HostFailure("the container could not be started: " + firstLine(e.getMessage()), e);
        } catch (BadRequestException e) {
            if (cannotStartImage(e.getMessage())) {
                throw new ImageUnavailable(image, "image " + image + " cannot start: " + firstLine(e.getMessage()), e);
            }
            throw e;
        }
    }

    /** The engine's words (runc's) for an image that has no such entrypoint, working directory or user. */
    static boolean cannotStartImage(String engineMessage) {
        String message = String.valueOf(engineMessage);
        return message.contains("unable to start container process: exec:")
                || message.contains("executable file not found")
                || message.contains("unable to find user")
                || message.contains("no users found")
                || message.contains("chdir to cwd");
    }

    public Optional<InspectContainerResponse> find(String nameOrId) {
        try {
            return Optional.of(docker().inspectContainerCmd(nameOrId).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Blocks until the container exits, or until {@code timeout} (null: none) has passed since it
     * started, in which case it is killed; or until {@code watch} is released, in which case the container
     * is left as it is. The engine tells us of the exit (no polling).
     *
     * @throws EngineUnavailable when the engine goes away while we wait (the container may well still run)
     */
    public ContainerExit await(String containerId, Duration timeout, Watch watch, Instant startedAt) {
        boolean timedOut = false;
        WaitContainerResultCallback wait = new WaitContainerResultCallback();
        try {
            docker().waitContainerCmd(containerId).exec(wait);
            watch.waitingOn(wait);
            boolean done = true;
            if (timeout == null) {
                wait.awaitCompletion();
            } else {
                Duration left = timeout.minus(startedAt != null ? Duration.between(startedAt, Instant.now()) : runningFor(containerId));
                done = !left.isNegative() && wait.awaitCompletion(left.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (watch.released()) {
                return ContainerExit.releasedContainer();
            }
            if (done) {
                wait.awaitStatusCode();
            } else {
                timedOut = true;
                watch.markKilled();
                kill(containerId);
                docker().waitContainerCmd(containerId).exec(new WaitContainerResultCallback()).awaitStatusCode(30, TimeUnit.SECONDS);
            }
        } catch (NotFoundException e) {
            return ContainerExit.vanishedContainer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailable("interrupted while waiting for " + containerId, e);
        } catch (RuntimeException e) {
            if (watch.released()) {
                return ContainerExit.releasedContainer();
            }
            throw new EngineUnavailable("lost the Docker engine while waiting for " + containerId + ": " + e, e);
        } finally {
            closeQuietly(wait);
        }
        boolean killedForTime = timedOut;
        Optional<InspectContainerResponse> state;
        try {
            state = find(containerId);
        } catch (RuntimeException e) {
            throw new EngineUnavailable("lost the Docker engine while inspecting " + containerId + ": " + e, e);
        }
        return state.map(c -> new ContainerExit(c.getState().getExitCodeLong() == null ? null : c.getState().getExitCodeLong().intValue(),
                        Boolean.TRUE.equals(c.getState().getOOMKilled()), false, killedForTime, false, watch.killedByUs()))
                .orElseGet(ContainerExit::vanishedContainer);
    }

    /** Whether the container exists and has not exited (or the engine cannot say: then it may still run). */
    public boolean mayBeRunning(String containerId) {
        try {
            return find(containerId).map(c -> !Boolean.FALSE.equals(c.getState().getRunning())).orElse(false);
        } catch (RuntimeException e) {
            return true;
        }
    }

    private Duration runningFor(String containerId) {
        return find(containerId).map(c -> c.getState().getStartedAt())
                .filter(started -> started != null && !started.startsWith("0001"))
                .map(started -> Duration.between(Instant.parse(started), Instant.now()))
                .orElse(Duration.ZERO);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // why: closing a finished wait cannot fail in a way anyone could act on
        }
    }

    /** Kills a running container of this installation; one already stopped or gone is fine; never throws. */
    public void kill(String containerId) {
        if (!mayTouch(containerId)) {
            return;
        }
        try {
            docker().killContainerCmd(containerId).exec();
        } catch (NotFoundException | ConflictException gone) {
            // already stopped or removed
        } catch (RuntimeException e) {
            log.warn("Could not kill container {} ({})", containerId, e.toString());
        }
    }

    /** The last lines of stdout and stderr, interleaved as the engine stored them; empty if unavailable. */
    public String logTail(String containerId, int lines) {
        Deque<String> tail = new ArrayDeque<>();
        try {
            docker().logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            String prefix = frame.getStreamType() == StreamType.STDERR ? "[stderr] " : "";
                            tail.add(prefix + new String(frame.getPayload(), StandardCharsets.UTF_8).stripTrailing());
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("Could not read logs of {}: {}", containerId, e.toString());
            return "";
        }
        String text = String.join("\n", tail);
        return text.length() > MAX_TAIL_CHARS ? text.substring(text.length() - MAX_TAIL_CHARS) : text;
    }

    /** Removes the container and its anonymous volumes; a container already gone is fine; never throws. */
    public void remove(String containerId) {
        if (containerId == null || !mayTouch(containerId)) {
            return;
        }
        try {
            docker().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            log.warn("Could not remove container {} ({}); the start-up reaper removes containers no step owns", containerId, e.toString());
        }
    }

    /**
     * This installation's containers on this engine, running or not, and those of a version before installation ids
     * (no installation label; {@link #isLegacy}: ours only if their step is in our database). Another installation's
     * are none of our business.
     */
    public List<Container> managedContainers() {
        return docker().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL_MANAGED, "true")).exec().stream()
                .filter(c -> c.getLabels() != null && (installation.value().equals(c.getLabels().get(LABEL_INSTALLATION)) || isLegacy(c)))
                .toList();
    }

    /**
     * Whether a container found by name or id is this installation's (or from before installation ids): another
     * installation's is never started, followed, killed or removed, even when its step id is the same (a database copied
     * from that installation).
     */
    public boolean isOurs(InspectContainerResponse container) {
        Map<String, String> labels = container.getConfig() == null || container.getConfig().getLabels() == null
                ? Map.of() : container.getConfig().getLabels();
        String owner = labels.get(LABEL_INSTALLATION);
        return owner == null || owner.equals(installation.value());
    }

    /** Whether this installation may kill or remove the container: its own, or gone already. */
    private boolean mayTouch(String containerId) {
        try {
            Optional<InspectContainerResponse> container = find(containerId);
            if (container.isPresent() && !isOurs(container.get())) {
                log.warn("Container {} belongs to another installation ({}); it is left alone", containerId,
                        container.get().getConfig().getLabels().get(LABEL_INSTALLATION));
                return false;
            }
            return true;
        } catch (RuntimeException unknown) {
            // why: the engine did not say; the kill or removal itself reports what happens
            return true;
        }
    }

    /** A container created before installations had ids: it may be any installation's. */
    public static boolean isLegacy(Container container) {
        return container.getLabels() != null && !container.getLabels().containsKey(LABEL_INSTALLATION);
    }

    /** The labels every container of this installation has. */
    public Map<String, String> ownLabels() {
        return Map.of(LABEL_MANAGED, "true", LABEL_INSTALLATION, installation.value());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline);
    }
}
