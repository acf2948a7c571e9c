package io.nubicustos.testsupport.facts;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.nubicustos.model.catalog.ToolCatalog;
import io.nubicustos.testsupport.DockerClients;
import io.nubicustos.testsupport.StandInImage;
import io.nubicustos.testsupport.StandIns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict stand-ins, run in a real Docker engine: they take what the real tool takes and refuse what it refuses, as the
 * real tool's user. The built-in catalog's command lines pass; the catalog before the tools' sources were read does not.
 */
class StrictStandInIntegrationTest {

    static final DockerClient DOCKER = DockerClients.local();

    @BeforeAll
    static void images() {
        StandInImage.forTool("prowler").exitsWith(3).buildWith(DOCKER);
        StandInImage.forTool("scoutsuite").exitsWith(0).buildWith(DOCKER);
        StandInImage.forTool("cartography").exitsWith(0).buildWith(DOCKER);
    }

    @Test
    void theCatalogsCommandLinesAreTakenAndTheToolsExitCodeComesBack() {
        ToolCatalog catalog = ToolCatalog.load(null, StandIns.overlay().toString());
        for (String tool : List.of("prowler", "scoutsuite")) {
            // why: a scope's placeholder values stand for a request's, which the tool checks itself (Prowler's region choices)
            for (List<String> argv : CatalogContract.commandLines(catalog, catalog.requireTool(tool)).stream()
                    .filter(line -> line.stream().noneMatch(arg -> arg.matches("\\{(regions|services|checks|frameworks)-\\d}"))).toList()) {
                Run run = run(catalog.requireTool(tool).image(), argv);
                assertThat(run.exitCode()).as(tool + " " + argv + ": " + run.stderr()).isEqualTo("prowler".equals(tool) ? 3 : 0);
            }
        }
    }

    @Test
    void anUnknownFlagOrAChoiceTheToolRefusesEndsItWithTheUsageCodeBeforeAnyReport() {
        String prowler = StandIns.image("prowler");
        ToolCatalog before = CatalogBefore.withSafePacu();

        Run compliance = run(prowler, CatalogContract.commandLines(before, before.requireTool("prowler")).stream()
                .filter(argv -> argv.contains("--compliance")).findFirst().orElseThrow());
        assertThat(compliance.exitCode()).isEqualTo(2);
        assertThat(compliance.stderr()).contains("prowler: error: argument --compliance: invalid choice: 'pci_dss_v4.0_aws'");

        Run ruleset = run(StandIns.image("scoutsuite"), CatalogContract.commandLines(before, before.requireTool("scoutsuite")).stream()
                .filter(argv -> argv.contains("--ruleset")).findFirst().orElseThrow());
        assertThat(ruleset.exitCode()).isEqualTo(2);
        assertThat(ruleset.stderr()).contains("argument --ruleset: invalid choice: 'cis'");

        Run quiet = run(prowler, List.of("aws", "--quiet"));
        assertThat(quiet.exitCode()).isEqualTo(2);
        assertThat(quiet.stderr()).contains("unrecognized arguments: --quiet");
        assertThat(run(prowler, List.of("aws", "--output-directory")).stderr()).contains("argument --output-directory/-o: expected one argument");
    }

    @Test
    void cartographyWithoutThePasswordItIsToldToReadFailsAsCartographyDoes() {
        ToolCatalog catalog = ToolCatalog.load(null, StandIns.overlay().toString());
        List<String> argv = new java.util.ArrayList<>(catalog.requireTool("cartography").defaultCommand());
        argv.replaceAll(arg -> arg.equals("{neo4j}") ? "bolt://neo4j:7687" : arg);

        Run without = run(StandIns.image("cartography"), argv, List.of());
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.stderr()).contains("Neo4j username was provided but a password could not be found.");
        assertThat(run(StandIns.image("cartography"), argv, List.of("NEO4J_PASSWORD=graph")).exitCode()).as("passed by name").isZero();
    }

    @Test
    void itRunsAsTheImagesUserWithItsHome() {
        var config = DOCKER.inspectImageCmd(StandIns.image("scoutsuite")).exec().getConfig();

        assertThat(config.getUser()).isEqualTo(String.valueOf(ToolFacts.require("scoutsuite").image().uid()));
        assertThat(config.getEnv()).contains("HOME=" + ToolFacts.require("scoutsuite").image().home());
        assertThat(config.getLabels()).containsEntry("io.nubicustos.standin", "true");
    }

    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(String image, List<String> argv) {
        return run(image, argv, List.of());
    }

    private static Run run(String image, List<String> argv, List<String> environment) {
        String id = DOCKER.createContainerCmd(image).withCmd(argv).withEnv(environment).withLabels(Map.of("io.nubicustos.test", "strict-standin")).exec().getId();
        try {
            DOCKER.startContainerCmd(id).exec();
            int code = DOCKER.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            DOCKER.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    (frame.getStreamType() == StreamType.STDERR ? err : out).append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion();
            return new Run(code, out.toString(), err.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            DOCKER.removeContainerCmd(id).withForce(true).exec();
        }
    }
}
