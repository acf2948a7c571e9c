package io.nubicustos.worker.step;

import io.nubicustos.worker.credentials.PassedEnvironment;
import io.nubicustos.worker.credentials.StagedCredentials;
import io.nubicustos.worker.system.InstallationId;

import io.nubicustos.model.reports.StepMounts;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.ContainerSpec;
import io.nubicustos.worker.docker.ContainerSpec.BindMount;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step's container as the engine is asked to create it: its name and labels, its own report
 * directory, its credentials (the staged profile only, read-only), the catalog's network, its limits,
 * and the reports group so that it can write its report directory whatever user it runs as.
 */
@Component
class ContainerSpecs {

    private final WorkerProperties properties;
    private final ReportDirectories directories;
    private final String workerId;
    private final InstallationId installation;
    private final PassedEnvironment passed;

    ContainerSpecs(WorkerProperties properties, ReportDirectories directories, WorkerIdentity identity, InstallationId installation,
                   PassedEnvironment passed) {
        this.installation = installation;
        this.passed = passed;
        this.properties = properties;
        this.directories = directories;
        this.workerId = identity.id();
    }

    /** What the tool is given from the worker's environment and may print: to be redacted from its output. */
    List<String> passedSecrets(StepPlan plan) {
        return passed.secretsOf(plan);
    }

    /** @param network the network's id on this engine (see {@code ContainerRunner.ensureNetwork}) */
    ContainerSpec of(ClaimedStep step, Path reportDir, StagedCredentials.Staged staged, String network) {
        StepPlan plan = step.plan();
        String stagedCredentialsHostPath = staged == null ? null : staged.hostPath();
        Map<String, String> environment = new LinkedHashMap<>(plan.environment());
        if (staged != null) {
            // why: ambient credentials pass the region and the credentials endpoints by name; the keys are in the staged file
            environment.putAll(staged.environment());
        }
        // why: a service's password is the worker's, passed by name; it is in the container's environment only
        environment.putAll(passed.valuesFor(plan));
        List<BindMount> binds = new ArrayList<>();
        Map<String, String> volumes = new LinkedHashMap<>();
        // why: credentials of every kind are staged for the execution (an AWS profile, a kubeconfig): the tool never
        // sees the whole directory they come from
        for (StepMounts.Mount mount : StepMounts.of(plan, directories.hostPathOf(reportDir), kind -> stagedCredentialsHostPath != null
                ? stagedCredentialsHostPath : properties.credentials().hostPathFor(kind))) {
            if (StepMounts.BIND.equals(mount.type())) {
                binds.add(new BindMount(mount.source(), mount.target(), mount.readOnly()));
            } else {
                volumes.put(mount.source(), mount.target());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ContainerRunner.LABEL_MANAGED, "true");
        labels.put(ContainerRunner.LABEL_INSTALLATION, installation.value());
        labels.put(ContainerRunner.LABEL_SCAN, step.scanId().toString());
        labels.put(ContainerRunner.LABEL_STEP, step.id().toString());
        labels.put(ContainerRunner.LABEL_TOOL, step.tool());
        labels.put(ContainerRunner.LABEL_ATTEMPT, Integer.toString(step.attempt()));
        labels.put(ContainerRunner.LABEL_WORKER, workerId);
        Integer pids = plan.limits().pids();
        return new ContainerSpec(step.containerName(), plan.image(), plan.entrypoint(), plan.command(), environment,
                labels, binds, volumes, network, plan.limits().memoryBytes(), plan.limits().nanoCpus(),
                pids == null ? null : pids.longValue(), List.of(Integer.toString(directories.group())));
    }
}
