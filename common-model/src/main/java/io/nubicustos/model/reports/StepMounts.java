package io.nubicustos.model.reports;

import io.nubicustos.model.scan.StepPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The mounts of a step's container: its own report directory (read-write) at the tool's report path, the
 * credentials its plan asks for (read-only; for AWS only the attempt's staged profile, never the whole
 * credentials directory), and its named volumes. The worker creates the container from them and the dry run
 * shows them, so what a user is shown is what the tool gets.
 */
public final class StepMounts {

    /** @param type {@code bind} (source is a host path) or {@code volume} (source is a named volume) */
    public record Mount(String type, String source, String target, boolean readOnly) {
    }

    public static final String BIND = "bind";
    public static final String VOLUME = "volume";

    private StepMounts() {
    }

    /**
     * @param reportDirectoryOnHost the step's report directory as the Docker host sees it
     * @param credentialsOnHost     the host path mounted for a credentials kind ({@code aws}: the staged profile)
     */
    public static List<Mount> of(StepPlan plan, String reportDirectoryOnHost, Function<String, String> credentialsOnHost) {
        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount(BIND, reportDirectoryOnHost, plan.reportPath(), false));
        if (plan.credentials() != null) {
            mounts.add(new Mount(BIND, credentialsOnHost.apply(plan.credentials().kind()), plan.credentials().mount(), true));
        }
        if (plan.namedVolumes() != null) {
            plan.namedVolumes().forEach((name, path) -> mounts.add(new Mount(VOLUME, name, path, false)));
        }
        return mounts;
    }
}
