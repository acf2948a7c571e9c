package io.nubicustos.model.campaign;

import io.nubicustos.model.lifecycle.Lifecycle;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The life of a campaign; every change of {@code campaigns.status} is a {@link CampaignTransitions} statement. */
public enum CampaignStatus implements Lifecycle<CampaignStatus> {
    /** Some child scan is queued or running. */
    RUNNING,
    /** Every child scan completed, none degraded. */
    COMPLETED,
    /** Every child scan settled; some failed, was cancelled on its own, or saw far less than its baseline. */
    DEGRADED,
    /** Cancelled on request, with its unsettled children. */
    CANCELLED;

    private static final Map<CampaignStatus, Set<CampaignStatus>> ALLOWED = Map.of(
            RUNNING, EnumSet.of(COMPLETED, DEGRADED, CANCELLED),
            COMPLETED, EnumSet.noneOf(CampaignStatus.class),
            DEGRADED, EnumSet.noneOf(CampaignStatus.class),
            CANCELLED, EnumSet.noneOf(CampaignStatus.class));

    @Override
    public boolean canMoveTo(CampaignStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    @Override
    public boolean isTerminal() {
        return this != RUNNING;
    }

    public static CampaignStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
