package io.nubicustos.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code nubicustos}: the REST API from a shell or a pipeline. The address and key come from {@code NUBICUSTOS_URL}
 * and {@code NUBICUSTOS_API_KEY} (or {@code --url}, {@code --api-key}); every outcome is one of {@link ExitCodes}.
 */
@Command(name = "nubicustos", mixinStandardHelpOptions = true, versionProvider = Nubicustos.Version.class,
        description = "Runs and reads Nubicustos scans over its REST API.",
        subcommands = {ScanCommand.class, StatusCommand.class, FindingsCommand.class, DiffCommand.class, CampaignCommand.class,
                AutoComplete.GenerateCompletion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done; no finding at or above --fail-on", "1:findings at or above --fail-on",
                "2:usage: a wrong option or command, or a request the API refused as invalid",
                "3:the scan or campaign failed, was cancelled, or did not settle in --timeout",
                "4:the API could not be reached, failed, or refused the key"},
        footer = {"%nEnvironment: NUBICUSTOS_URL (default http://localhost:8000), NUBICUSTOS_API_KEY.",
                "Completion: source <(nubicustos generate-completion)"})
public final class Nubicustos {

    @Option(names = "--url", description = "the API's address (default: $NUBICUSTOS_URL, else http://localhost:8000)", scope = CommandLine.ScopeType.INHERIT)
    String url;

    @Option(names = "--api-key", description = "the API key (default: $NUBICUSTOS_API_KEY)", scope = CommandLine.ScopeType.INHERIT)
    String apiKey;

    private Map<String, String> environment = Map.of();
    PrintWriter out;
    PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line with {@code environment} for NUBICUSTOS_URL and NUBICUSTOS_API_KEY; answers its exit code. */
    public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
        Nubicustos root = new Nubicustos();
        root.environment = environment;
        root.out = out;
        root.err = err;
        CommandLine line = new CommandLine(root);
        line.setOut(out);
        line.setErr(err);
        line.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            int code;
            String message;
            if (e instanceof CliException failure) {
                code = failure.exitCode();
                message = failure.getMessage();
            } else if (e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
                // why: a report file the command could not write is the caller's to fix (a directory that does not exist)
                code = ExitCodes.USAGE;
                message = e.getMessage();
            } else if (e instanceof tools.jackson.core.JacksonException) {
                code = ExitCodes.API_UNAVAILABLE;
                message = "the API answered something that is not the JSON it promises (a proxy's page?): " + e.getMessage();
            } else {
                // why: never 1 (findings) for a failure of the command itself
                code = ExitCodes.API_UNAVAILABLE;
                message = "unexpected: " + e;
            }
            err.println("nubicustos: " + message);
            err.flush();
            return code;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    ApiClient api() {
        String address = url != null ? url : environment.getOrDefault("NUBICUSTOS_URL", "http://localhost:8000");
        String key = apiKey != null ? apiKey : environment.get("NUBICUSTOS_API_KEY");
        return new ApiClient(address, key);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Nubicustos.class.getPackage().getImplementationVersion();
            return new String[] {"nubicustos " + (version == null ? "(development build)" : version)};
        }
    }
}
