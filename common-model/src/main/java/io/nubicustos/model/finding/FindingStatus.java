package io.nubicustos.model.finding;

/** What a normalized finding says about its resource. Passing checks are not findings. */
public enum FindingStatus {
    /** The check failed: counted in the scan's totals. */
    FAIL,
    /** The tool could not decide; a person must look ("needs review"). Not counted as a failure. */
    MANUAL,
    /** Muted or accepted in the tool's own configuration: kept and flagged, never counted. */
    SUPPRESSED;

    public String db() {
        return name().toLowerCase();
    }
}
