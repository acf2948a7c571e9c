package io.nubicustos.gateway.metrics;

import io.nubicustos.support.loop.PeriodicTasks;
import io.nubicustos.model.lifecycle.StatusSql;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.model.catalog.ToolDefinition;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database knows about the fleet, as gauges: queued steps by tool and the age of the oldest,
 * running steps by tool and account, scans by status, and the findings of scans settled in the last day by
 * profile, account and severity, the API budgets throttling lowered, and the accounts of recent campaigns. One statement on a timer computes them all; a scrape only reads the last
 * answer, however many Prometheus servers scrape however many API instances.
 */
@Component
class FleetGauges implements SchedulingConfigurer {

    private static final String FLEET = StatusSql.expand("""
            select 'queued_steps' as kind, tool, null as account, null as label, count(*)::float8 as value
              from scan_steps where status = {step:queued} group by tool
            union all
            select 'queued_oldest', null, null, null,
                   coalesce(extract(epoch from clock_timestamp() - min(queued_at)), 0)::float8
              from scan_steps where status = {step:queued}
            union all
            select 'running_steps', s.tool, c.aws_profile, null, count(*)::float8
              from scan_steps s join scans c on c.id = s.scan_id where s.status = {step:running} group by s.tool, c.aws_profile
            union all
            select 'scans', null, null, status, count(*)::float8 from scans group by status
            union all
            select 'findings', profile, aws_profile, severity, sum(n)::float8
              from (select profile, aws_profile, unnest(array['critical', 'high', 'medium', 'low', 'info']) as severity,
                           unnest(array[findings_critical, findings_high, findings_medium, findings_low, findings_info]) as n
                      from scans where completed_at > clock_timestamp() - interval '24 hours') settled
             group by profile, aws_profile, severity
            union all
            select 'budgets', null, account_key, null, budget from api_budgets where budget < :defaultBudget
            union all
            select 'campaign_accounts', c.id::text, null,
                   case when s.status in {scan:queued,running} then 'unsettled' else 'settled' end, count(*)::float8
              from campaigns c join scans s on s.campaign_id = c.id
             where c.status = {campaign:running} or c.settled_at > clock_timestamp() - interval '24 hours'
             group by c.id, 3, 4
            """);

    private record Row(String kind, String tool, String account, String label, double value) {
    }

    private final JdbcClient jdbc;
    private final List<String> tools;
    private final Duration interval;
    private final MultiGauge queued;
    private final MultiGauge running;
    private final MultiGauge scans;
    private final MultiGauge findings;
    private final MultiGauge oldestQueued;
    private final MultiGauge budgets;
    private final MultiGauge campaignAccounts;
    private final int defaultBudget;
    private final GaugeExporterElection election;

    private final MeterRegistry meters;

    FleetGauges(JdbcClient jdbc, ToolCatalog catalog, GatewayProperties properties, MeterRegistry meters, GaugeExporterElection election,
                @org.springframework.beans.factory.annotation.Value(io.nubicustos.model.account.ApiBudgets.DEFAULT_PROPERTY) int defaultBudget) {
        this.election = election;
        this.defaultBudget = defaultBudget;
        // why: only the accounts below their budget's setting (throttled lately): one series per throttled account, not per account
        this.budgets = MultiGauge.builder("nubicustos.account.api.budget")
                .description("The API budget (tool weight) of each account throttling lowered below the setting").register(meters);
        this.campaignAccounts = MultiGauge.builder("nubicustos.campaign.accounts")
                .description("The accounts of running campaigns (and those settled in the last 24 hours), unsettled or settled").register(meters);
        this.meters = meters;
        this.jdbc = jdbc;
        this.tools = catalog.tools().stream().map(ToolDefinition::name).toList();
        this.interval = properties.metrics().fleetInterval();
        this.queued = MultiGauge.builder("nubicustos.steps.queued").description("Steps waiting for a worker, by tool").register(meters);
        this.running = MultiGauge.builder("nubicustos.steps.running").description("Steps claimed by a worker, by tool and account")
                .register(meters);
        this.scans = MultiGauge.builder("nubicustos.scans").description("Scans, by status").register(meters);
        this.findings = MultiGauge.builder("nubicustos.scan.findings")
                .description("Findings of the scans settled in the last 24 hours, by profile, account and severity").register(meters);
        this.oldestQueued = MultiGauge.builder("nubicustos.steps.queued.oldest.age").baseUnit("seconds")
                .description("How long the oldest queued step has waited").register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.everyFromStart(registrar, meters, "refreshing the fleet gauges", interval, this::refresh);
    }

    /**
     * Computes the gauges if this instance exports them (see {@link GaugeExporterElection}), else exports none. A failed
     * query keeps the last values and counts as a failure of the task ({@code nubicustos.task.failures}).
     */
    void refresh() {
        if (!election.renew()) {
            List<MultiGauge.Row<?>> none = List.of();
            queued.register(none, true);
            running.register(none, true);
            scans.register(none, true);
            findings.register(none, true);
            oldestQueued.register(none, true);
            budgets.register(none, true);
            campaignAccounts.register(none, true);
            return;
        }
        List<Row> rows = jdbc.sql(FLEET).param("defaultBudget", defaultBudget).query((rs, n) -> new Row(rs.getString("kind"), rs.getString("tool"), rs.getString("account"),
                rs.getString("label"), rs.getDouble("value"))).list();
        // why: a tool with nothing queued is a flat zero on the dashboard, not a gap
        Map<String, Double> queuedByTool = new LinkedHashMap<>();
        tools.forEach(tool -> queuedByTool.put(tool, 0.0));
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> scanRows = new ArrayList<>();
        List<MultiGauge.Row<?>> findingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> budgetRows = new ArrayList<>();
        List<MultiGauge.Row<?>> campaignRows = new ArrayList<>();
        for (Row row : rows) {
            switch (row.kind()) {
                case "queued_steps" -> queuedByTool.put(row.tool(), row.value());
                case "queued_oldest" -> oldestQueued.register(List.of(MultiGauge.Row.of(Tags.empty(), row.value())), true);
                case "running_steps" -> runningRows.add(MultiGauge.Row.of(Tags.of("tool", row.tool(), "account", row.account()), row.value()));
                case "scans" -> scanRows.add(MultiGauge.Row.of(Tags.of("status", row.label()), row.value()));
                case "findings" -> findingRows.add(MultiGauge.Row.of(
                        Tags.of("profile", row.tool(), "account", row.account(), "severity", row.label()), row.value()));
                case "budgets" -> budgetRows.add(MultiGauge.Row.of(Tags.of("account", row.account()), row.value()));
                case "campaign_accounts" -> campaignRows.add(MultiGauge.Row.of(Tags.of("campaign", row.tool(), "state", row.label()), row.value()));
                default -> throw new IllegalStateException("unknown fleet gauge row " + row.kind());
            }
        }
        queued.register(queuedByTool.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of("tool", e.getKey()), e.getValue())).toList(), true);
        running.register(runningRows, true);
        scans.register(scanRows, true);
        findings.register(findingRows, true);
        budgets.register(budgetRows, true);
        campaignAccounts.register(campaignRows, true);
    }
}
