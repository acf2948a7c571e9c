package io.nubicustos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code nubicustos campaign start|status}: one scan per account of an organization. */
@Command(name = "campaign", mixinStandardHelpOptions = true, description = "Starts or shows a campaign (one scan per account).",
        subcommands = {CampaignCommand.Start.class, CampaignCommand.Status.class})
final class CampaignCommand {

    @ParentCommand
    Nubicustos root;

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a campaign; with --wait, waits for it to settle.")
    static final class Start implements java.util.concurrent.Callable<Integer> {

        @ParentCommand
        CampaignCommand campaign;

        @Option(names = "--profile", required = true, description = "a scan profile")
        String profile;

        @Option(names = "--accounts", required = true, description = "all, or comma-separated 12-digit account ids")
        String accounts;

        @Option(names = "--wait", description = "wait until every account's scan settled")
        boolean await;

        @Option(names = "--timeout", defaultValue = "PT6H", description = "with --wait: give up after this long. Default: ${DEFAULT-VALUE}")
        Duration timeout;

        @Option(names = "--poll", defaultValue = "PT5S", hidden = true)
        Duration poll;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("profile", profile);
            body.put("accounts", accounts.strip().equals("all") ? "all" : Arrays.stream(accounts.split(",")).map(String::strip).toList());
            ApiClient api = campaign.root.api();
            JsonNode created = api.post("/api/campaigns", body);
            String id = created.path("campaign_id").asString();
            campaign.root.out.println(id);
            if (!await) {
                return ExitCodes.CLEAN;
            }
            JsonNode settled = Waiting.untilTerminal(api, "/api/campaigns/" + id, timeout, poll, campaign.root.err,
                    c -> !c.path("status").asString("running").equals("running"));
            return Status.exit(settled, campaign.root);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a campaign: progress, accounts, findings.")
    static final class Status implements java.util.concurrent.Callable<Integer> {

        @ParentCommand
        CampaignCommand campaign;

        @Parameters(index = "0", paramLabel = "CAMPAIGN_ID")
        java.util.UUID campaignId;

        @Override
        public Integer call() {
            JsonNode body = campaign.root.api().get("/api/campaigns/" + campaignId);
            campaign.root.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            return exit(body, campaign.root);
        }

        /** A settled campaign whose status is not completed (degraded, cancelled) exits 3. */
        static int exit(JsonNode campaign, Nubicustos root) {
            String status = campaign.path("status").asString("");
            boolean settled = !status.equals("running");
            if (settled && !status.equals("completed")) {
                root.err.println("the campaign " + status);
                return ExitCodes.SCAN_FAILED;
            }
            return ExitCodes.CLEAN;
        }
    }
}
