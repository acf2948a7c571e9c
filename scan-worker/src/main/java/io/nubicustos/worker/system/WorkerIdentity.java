package io.nubicustos.worker.system;

/** The name this worker writes into {@code scan_steps.owner} and into its containers' labels. */
public record WorkerIdentity(String id) {
}
