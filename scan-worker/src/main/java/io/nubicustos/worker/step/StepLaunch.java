package io.nubicustos.worker.step;

import io.nubicustos.worker.StepFailure;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.nubicustos.model.logs.Redaction;
import io.nubicustos.worker.credentials.StagedCredentials;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.HostHealth;
import io.nubicustos.worker.docker.ImageUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import static io.nubicustos.worker.step.LeaveAsItIs.firstLine;

/**
 * Launches an attempt: its own report directory and staged credentials, the image and the network, the container
 * created (or found again, for an attempt taken over before its container started), recorded on the step, started.
 * Decides what a failure on the way means: the image's problem or the host's send the step back to the queue (only
 * the host's counts against this worker's health), a refused plan fails it, a database error leaves it as it is.
 */
@Component
class StepLaunch {

    private static final Logger log = LoggerFactory.getLogger(StepLaunch.class);

    /** A started container (or one an earlier owner started): what the wait needs. */
    record Launched(String containerId, Instant started, Redaction redaction) {
    }

    private final StepRepository steps;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final HostHealth health;
    private final ReportDirectories directories;
    private final StagedCredentials credentials;
    private final ContainerSpecs specs;
    private final ImageSources images;
    private final StepOutcomes outcomes;
    private final AttemptCleanup cleanup;
    private final LeaveAsItIs leave;

    StepLaunch(StepRepository steps, ContainerRunner containers, DockerEngine engine, HostHealth health, ReportDirectories directories,
               StagedCredentials credentials, ContainerSpecs specs, ImageSources images, StepOutcomes outcomes, AttemptCleanup cleanup,
               LeaveAsItIs leave) {
        this.steps = steps;
        this.containers = containers;
        this.engine = engine;
        this.health = health;
        this.directories = directories;
        this.credentials = credentials;
        this.specs = specs;
        this.images = images;
        this.outcomes = outcomes;
        this.cleanup = cleanup;
        this.leave = leave;
    }

    /**
     * @param mayExist whether this attempt's container may exist already (a step taken over before its container
     *                 started); a fresh claim is a new attempt, whose container cannot exist, so nothing is looked up
     * @return the started container, or empty when the attempt ended here (its outcome recorded, or left as it is)
     */
    Optional<Launched> launch(StepAttempt attempt, boolean mayExist) {
        ClaimedStep step = attempt.step();
        String containerId = null;
        Redaction redaction = Redaction.patterns();
        boolean neverStarted = true;
        Instant started = null;
        try {
            Optional<InspectContainerResponse> existing = mayExist ? containers.find(step.containerName()).filter(containers::isOurs)
                    : Optional.empty();
            if (existing.isPresent()) {
                // why: this attempt created its container before the previous owner died; it is this attempt's container,
                // and it is started only if it never was (an exited container started again would run the tool twice)
                containerId = existing.get().getId();
                neverStarted = "created".equals(existing.get().getState().getStatus());
                redaction = Redaction.of(join(credentials.secretsOf(awsProfile(step), step.executionId(), step.plan().credentials()), specs.passedSecrets(step.plan())));
            } else {
                Path reportDir = directories.prepare(step.scanId(), step.tool());
                StagedCredentials.Staged staged = stageCredentials(step);
                redaction = Redaction.of(join(staged == null ? List.of() : staged.secrets(), specs.passedSecrets(step.plan())));
                containers.ensureImage(step.plan().image());
                String network = containers.ensureNetwork(step.plan().network());
                containerId = containers.create(specs.of(step, reportDir, staged, network));
            }
            if (!steps.recordContainer(step, containerId, provenance(step, containerId))) {
                // why: cancelled or taken over before the container started; it never ran, so it can go
                cleanup.afterSettled(step, containerId, neverStarted);
                return Optional.empty();
            }
            if (neverStarted) {
                containers.start(containerId, step.plan().image());
                started = Instant.now();
                health.containerStarted();
            }
        } catch (ImageUnavailable e) {
            // why: the image's problem, not the host's: never counted against this worker's health (one missing image
            // used to make every worker sick and stop every tool); another attempt may land on a host that has it
            String reason = e.withHint(images.howToGet(step)).getMessage();
            log.warn("Step {} ({}): {}; this worker stays healthy and runs other tools", step.id(), step.tool(), reason);
            cleanup.afterSettled(step, containerId, outcomes.retryOrFail(step, reason, attempt.timing()));
            return Optional.empty();
        } catch (io.nubicustos.worker.StepFailure e) {
            cleanup.afterSettled(step, containerId, outcomes.fail(step, null, null, "", e.getMessage(), attempt.timing()));
            return Optional.empty();
        } catch (RuntimeException e) {
            if (leave.applies(step, e)) {
                return Optional.empty();
            }
            String reason = "the Docker host could not run the container: " + firstLine(e);
            // why: a name held by a container that is not this attempt's says nothing about the host
            if (!(e instanceof ContainerRunner.NameTaken)) {
                health.infrastructureFailed(step.plan(), reason);
            }
            boolean engineAnswers = engine.probe();
            log.warn("Step {} ({}) on Docker engine {}: {}; the step goes back to the queue{}", step.id(), step.tool(), engine.describe(),
                    reason, engineAnswers ? "" : ", and this worker claims nothing until its Docker engine answers again");
            cleanup.afterSettled(step, containerId, outcomes.retryOrFail(step, reason, attempt.timing()));
            return Optional.empty();
        }
        log.info("Step {} ({}) of scan {}: container {} started (attempt {})", step.id(), step.tool(), step.scanId(),
                step.containerName(), step.attempt());
        return Optional.of(new Launched(containerId, started, redaction));
    }

    /** What an adopted container's log must not show: the secrets of the profile it was staged with, and those passed in. */
    Redaction redactionOf(ClaimedStep step) {
        return Redaction.of(join(credentials.secretsOf(awsProfile(step), step.executionId(), step.plan().credentials()), specs.passedSecrets(step.plan())));
    }

    /** The image the container really runs and the tool's version; unknown (never a failure of the step) if the engine will not say. */
    private ContainerRunner.Provenance provenance(ClaimedStep step, String containerId) {
        try {
            return containers.provenance(containerId, step.plan().image());
        } catch (ImageUnavailable refused) {
            throw refused;
        } catch (RuntimeException e) {
            log.warn("Step {} ({}): the image container {} runs could not be looked up ({}); its provenance stays unknown", step.id(),
                    step.tool(), containerId, e.toString());
            return ContainerRunner.Provenance.UNKNOWN;
        }
    }

    private StagedCredentials.Staged stageCredentials(ClaimedStep step) {
        var mount = step.plan().credentials();
        if (mount == null) {
            return null;
        }
        return switch (mount.kind()) {
            case "aws" -> credentials.stage(step.executionId(), awsProfile(step), mount);
            case "kube" -> credentials.stageKube(step.executionId());
            default -> null;
        };
    }

    private static String awsProfile(ClaimedStep step) {
        return step.plan().environment().getOrDefault("AWS_PROFILE", "default");
    }

    private static List<String> join(Collection<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
