package io.nubicustos.bench;

import com.sun.net.httpserver.HttpServer;
import io.nubicustos.standalone.NubicustosStandalone;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.Samples;
import io.nubicustos.testsupport.StandInImage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated cloud, and the API budget per account against it (issue 23). A local HTTP service stands for the cloud's
 * APIs: a token bucket per account ({@link #RATE} calls a second, burst {@link #RATE}) answers 429 past it and counts
 * every call and every throttled one. Four stand-in tools (two of weight 4, two of weight 2) call it at their weight's rate
 * ({@link #CALLS_PER_SECOND_PER_WEIGHT} a second per unit) for a set number of calls ({@link #CALLS_PER_WEIGHT} per unit),
 * retrying a throttled call after a back-off that grows, as the AWS SDKs do, and logging the throttling as botocore does.
 * 100 accounts, each scanned by the four tools at once (four scans per account, submitted account by account, as four
 * teams' pipelines would), on three workers of concurrency 4 (one Docker engine). Policies, each on a fresh system:
 * no budget and no cap; a fixed cap of 2 steps per account (today's kind of cap, blind to weight); the adaptive budget
 * ({@code account-budget} 4 = the cloud's rate in weight units, halved by throttling, raised back by clean steps); and
 * the ideal: the same run against a cloud that never throttles.
 */
final class CloudRow {

    static final int ACCOUNTS = 100;
    static final int WORKERS = 3;
    static final int CONCURRENCY = 4;
    // why: one heavy tool (4 calls/s) fits an account's 5 calls/s, a heavy and any other do not; a first configuration (10 calls/s,
    // 2.5 calls/s per unit) was so generous that the stand-ins' real call rate (busybox wget, one process a call) rarely met it
    static final int RATE = 5;
    static final double CALLS_PER_SECOND_PER_WEIGHT = 1.0;
    static final int CALLS_PER_WEIGHT = 3;
    static final Map<String, Integer> TOOLS = tools();

    private static Map<String, Integer> tools() {
        Map<String, Integer> tools = new LinkedHashMap<>();
        tools.put("cloud-heavy-a", 4);
        tools.put("cloud-heavy-b", 4);
        tools.put("cloud-light-a", 2);
        tools.put("cloud-light-b", 2);
        return tools;
    }
    static final String IMAGE = "nubicustos-bench/cloud-tool:1";

    record Policy(String name, Map<String, String> settings, boolean throttles) {
    }

    record Result(double seconds, long calls, long throttled, double meanBudget) {
        double throttledShare() {
            return calls == 0 ? 0 : throttled / (double) calls;
        }
    }

    void run(Table table) throws Exception {
        Cloud cloud = new Cloud();
        try {
            buildTool();
            Path overlay = overlay(cloud.port());
            List<Policy> policies = List.of(
                    new Policy("ideal: a cloud that never throttles (no budget, no cap)", Map.of("nubicustos.worker.account-cap", "0",
                            "nubicustos.worker.account-budget", "0"), false),
                    new Policy("no budget, no cap", Map.of("nubicustos.worker.account-cap", "0", "nubicustos.worker.account-budget", "0"), true),
                    new Policy("fixed cap: 2 steps per account", Map.of("nubicustos.worker.account-cap", "2", "nubicustos.worker.account-budget", "0"),
                            true),
                    new Policy("adaptive budget: 4 weight units per account", Map.of("nubicustos.worker.account-cap", "0",
                            "nubicustos.worker.account-budget", "4"), true));
            Map<String, Result> results = new LinkedHashMap<>();
            for (Policy policy : policies) {
                results.put(policy.name(), run(policy, cloud, overlay));
                System.out.printf("cloud row: %s: %s%n", policy.name(), results.get(policy.name()));
            }
            double ideal = results.values().iterator().next().seconds();
            results.forEach((name, result) -> {
                double ratio = result.seconds() / ideal;
                boolean adaptive = name.startsWith("adaptive");
                table.add(name, String.format("%.2f %% throttled (%d of %d calls)", 100 * result.throttledShare(), result.throttled(),
                                result.calls()), Fixtures.seconds(result.seconds()), String.format("%.2f x ideal", ratio),
                        adaptive ? "<= 1 % throttled, <= 1.2 x ideal" : "",
                        !adaptive || result.throttledShare() <= 0.01 && ratio <= 1.2);
            });
            table.note(ACCOUNTS + " accounts x " + TOOLS.size() + " tools (weights " + TOOLS.values() + ", " + CALLS_PER_WEIGHT
                    + " calls per weight unit at " + CALLS_PER_SECOND_PER_WEIGHT + " calls/s per unit), " + WORKERS + " workers of concurrency "
                    + CONCURRENCY + " on one engine; the cloud: a token bucket of " + RATE + " calls/s (burst " + RATE + ") per account;"
                    + " a throttled call is retried after 0.2 s x its attempt");
            table.note("columns: throttled calls / all calls | wall time (first scan accepted -> last settled) | wall time / the ideal's");
        } finally {
            cloud.stop();
        }
    }

    private Result run(Policy policy, Cloud cloud, Path overlay) throws Exception {
        Path data = Fixtures.dataDirectory("bench-cloud");
        StringBuilder credentials = new StringBuilder(Fixtures.CREDENTIALS);
        for (int i = 1; i <= ACCOUNTS; i++) {
            credentials.append("[").append(account(i)).append("]\naws_access_key_id = AKIABENCH").append(i)
                    .append("\naws_secret_access_key = bench-secret-").append(i).append('\n');
        }
        Files.writeString(data.resolve("credentials/aws/credentials"), credentials);
        String database = Fixtures.database();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Map<String, String> settings = new LinkedHashMap<>(policy.settings());
            settings.put("nubicustos.catalog-overlay", overlay.toString());
            settings.put("nubicustos.docker.allow-standins", "true");
            settings.put("nubicustos.worker.concurrency", "" + CONCURRENCY);
            settings.put("nubicustos.worker.poll-interval", "500ms");
            settings.put("nubicustos.worker.id", "cloud-worker-1");
            NubicustosStandalone first = Fixtures.system(data, database, null, settings, NubicustosStandalone.Settings.ALL_SERVICES);
            opened.add(first);
            String kafka = first.contexts().get(0).getEnvironment().getProperty("spring.kafka.bootstrap-servers");
            for (int w = 2; w <= WORKERS; w++) {
                Map<String, String> worker = new LinkedHashMap<>(settings);
                worker.put("nubicustos.worker.id", "cloud-worker-" + w);
                opened.add(Fixtures.system(data, database, kafka, worker, Set.of("scan-worker")));
            }
            Http api = new Http(first.apiPort());
            cloud.reset(policy.throttles());
            for (int i = 1; i <= ACCOUNTS; i++) {
                for (String tool : TOOLS.keySet()) {
                    api.submit("{\"profile\": \"" + tool + "\", \"aws_profile\": \"" + account(i) + "\"}");
                }
            }
            long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000;
            while (Fixtures.count(database, "select count(*) from scans where status in ('queued', 'running')") > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cloud row's scans did not settle within 30 minutes");
                }
                // why: the figure is read from the scans' own timestamps below, so how often this looks does not change it
                Thread.sleep(500);
            }
            long failed = Fixtures.count(database, "select count(*) from scans where status <> 'completed'");
            if (failed > 0) {
                throw new IllegalStateException(failed + " scans of the cloud row did not complete; see the log");
            }
            double seconds = Fixtures.count(database, "select (extract(epoch from max(completed_at) - min(created_at)) * 1000)::bigint from scans")
                    / 1000.0;
            long budgets = Fixtures.count(database, "select count(*) from api_budgets");
            double mean = budgets == 0 ? Double.NaN
                    : Fixtures.count(database, "select (avg(budget) * 1000)::bigint from api_budgets") / 1000.0;
            return new Result(seconds, cloud.calls.get(), cloud.throttled.get(), mean);
        } finally {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
        }
    }

    static String account(int i) {
        return "bench-account-%03d".formatted(i);
    }

    /** One image for the four tools: it calls the cloud {@code CALLS} times at {@code PAUSE_US} apart, as its account. */
    private static void buildTool() {
        StandInImage.tagged(IMAGE)
                .writes("prowler-output-123456789012-bench.ocsf.json", Samples.file("prowler/prowler5_example_output_aws.ocsf.json"))
                .alsoRuns("""
                        n=0; attempt=0
                        while [ $n -lt $CALLS ]; do
                          if $B wget -q -O /dev/null "$CLOUD/call?account=$AWS_PROFILE" 2>/dev/null; then
                            n=$((n+1)); attempt=0; $B usleep $PAUSE_US
                          else
                            attempt=$((attempt+1))
                            $B echo "botocore.exceptions.ClientError: An error occurred (Throttling) when calling the DescribeInstances operation (attempt $attempt): Rate exceeded" >&2
                            $B usleep $((200000 * attempt))
                          fi
                        done
                        """)
                .exitsWith(0).buildWith(DockerClients.local());
    }

    private static Path overlay(int port) throws IOException {
        StringBuilder yaml = new StringBuilder("tools:\n");
        StringBuilder profiles = new StringBuilder("profiles:\n");
        for (Map.Entry<String, Integer> tool : TOOLS.entrySet()) {
            int weight = tool.getValue();
            long pause = Math.round(1_000_000 / (CALLS_PER_SECOND_PER_WEIGHT * weight));
            yaml.append("  ").append(tool.getKey()).append(":\n")
                    .append("    image: ").append(IMAGE).append('\n')
                    .append("    container_name_prefix: ").append(tool.getKey()).append('\n')
                    .append("    report_path: /reports\n")
                    .append("    credentials: {kind: aws, mount: /home/bench/.aws}\n")
                    // why: the stand-in reaches the simulated cloud on this machine's loopback
                    .append("    network: host\n")
                    .append("    environment: {CLOUD: \"http://127.0.0.1:").append(port).append("\", CALLS: \"").append(CALLS_PER_WEIGHT * weight)
                    .append("\", PAUSE_US: \"").append(pause).append("\"}\n")
                    .append("    expected_exit_codes: [0]\n")
                    .append("    report_format: prowler\n")
                    .append("    api_weight: ").append(weight).append('\n')
                    .append("    limits: {memory: 64m, cpus: 0.5, pids: 64, timeout: 10m}\n");
            profiles.append("  ").append(tool.getKey()).append(": {description: \"").append(tool.getKey()).append(" alone\", tools: [")
                    .append(tool.getKey()).append("]}\n");
        }
        Path file = Files.createTempFile("cloud-overlay", ".yaml");
        Files.writeString(file, yaml.append(profiles).toString());
        return file;
    }

    /** The simulated cloud: a token bucket per account, counting calls and throttled calls. */
    static final class Cloud {
        private final HttpServer server;
        private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong throttled = new AtomicLong();
        private volatile boolean throttles = true;

        Cloud() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.createContext("/call", exchange -> {
                String query = exchange.getRequestURI().getQuery();
                String account = query == null ? "" : query.replaceFirst("^.*account=", "");
                calls.incrementAndGet();
                boolean allowed = !throttles || take(account);
                if (!allowed) {
                    throttled.incrementAndGet();
                }
                byte[] body = (allowed ? "ok" : "Rate exceeded").getBytes();
                exchange.sendResponseHeaders(allowed ? 200 : 429, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        void reset(boolean throttling) {
            buckets.clear();
            calls.set(0);
            throttled.set(0);
            this.throttles = throttling;
        }

        /** Refills the account's bucket at {@link #RATE} a second up to {@link #RATE}, then takes a token if there is one. */
        private boolean take(String account) {
            double[] bucket = buckets.computeIfAbsent(account, a -> new double[] {RATE, System.nanoTime()});
            synchronized (bucket) {
                long now = System.nanoTime();
                bucket[0] = Math.min(RATE, bucket[0] + (now - bucket[1]) / 1e9 * RATE);
                bucket[1] = now;
                if (bucket[0] >= 1) {
                    bucket[0] -= 1;
                    return true;
                }
                return false;
            }
        }

        void stop() {
            server.stop(0);
        }
    }
}
