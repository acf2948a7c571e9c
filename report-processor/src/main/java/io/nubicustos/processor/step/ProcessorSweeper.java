package io.nubicustos.processor.step;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.support.loop.PeriodicTasks;
import io.nubicustos.processor.settle.ScanFinalizer;
import io.nubicustos.model.lifecycle.StatusSql;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.processor.system.ProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Moves on what a lost or unprocessed completion event left behind: steps waiting in
 * {@code reporting} longer than the grace period are processed, and scans whose steps are all
 * terminal but which were never settled are settled.
 */
@Component
class ProcessorSweeper implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ProcessorSweeper.class);

    // why: a step whose processing keeps failing is pushed back (process_after), so it never starves the ones behind it
    private static final String STALE_REPORTING = StatusSql.expand("""
            select id from scan_steps
             where status = {step:reporting} and container_finished_at < :before and (process_after is null or process_after <= :now)
             order by coalesce(process_after, container_finished_at) limit 50
            """);
    private static final String UNSETTLED = StatusSql.expand("""
            select s.id from scans s where s.status in {scan:queued,running}
               and not exists (select 1 from scan_steps st where st.scan_id = s.id and st.status not in %s)
             limit 100
            """.formatted(StepStatus.terminalSqlList()));

    private final JdbcClient jdbc;
    private final StepProcessor processor;
    private final ScanFinalizer finalizer;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ProcessorProperties.Processor settings;

    private final MeterRegistry meters;

    private final io.nubicustos.processor.campaign.CampaignSettlement campaigns;

    ProcessorSweeper(JdbcClient jdbc, StepProcessor processor, ScanFinalizer finalizer, TransactionTemplate tx, Clock clock,
                     ProcessorProperties properties, MeterRegistry meters, io.nubicustos.processor.campaign.CampaignSettlement campaigns) {
        this.campaigns = campaigns;
        this.meters = meters;
        this.jdbc = jdbc;
        this.processor = processor;
        this.finalizer = finalizer;
        this.tx = tx;
        this.clock = clock;
        this.settings = properties.processor();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.every(registrar, meters, "the processor sweep", settings.sweepInterval(), this::runOnce);
    }

    int runOnce() {
        int moved = 0;
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<UUID> stale = jdbc.sql(STALE_REPORTING).param("before", now.minus(settings.reportingGrace())).param("now", now)
                .query(UUID.class).list();
        for (UUID stepId : stale) {
            try {
                log.info("Step {} waited in reporting past {}; processing it now", stepId, settings.reportingGrace());
                processor.process(stepId);
                moved++;
            } catch (RuntimeException | StackOverflowError e) {
                log.warn("Sweeper could not process step {} ({}); it stays in reporting for the next round", stepId, e.toString());
            }
        }
        for (UUID scanId : jdbc.sql(UNSETTLED).query(UUID.class).list()) {
            try {
                if (Boolean.TRUE.equals(tx.execute(s -> finalizer.settleIfDone(scanId).isPresent()))) {
                    moved++;
                }
            } catch (RuntimeException e) {
                log.warn("Sweeper could not settle scan {} ({}); retrying next round", scanId, e.toString());
            }
        }
        for (UUID campaignId : jdbc.sql(io.nubicustos.model.campaign.CampaignSettling.UNSETTLED).query(UUID.class).list()) {
            try {
                if (Boolean.TRUE.equals(tx.execute(s -> campaigns.settleIfDone(campaignId, now).isPresent()))) {
                    moved++;
                }
            } catch (RuntimeException e) {
                log.warn("Sweeper could not settle campaign {} ({}); retrying next round", campaignId, e.toString());
            }
        }
        return moved;
    }
}
