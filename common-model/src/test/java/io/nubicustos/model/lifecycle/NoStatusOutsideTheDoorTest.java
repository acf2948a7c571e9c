package io.nubicustos.model.lifecycle;

import io.nubicustos.model.messaging.DeliveryStatus;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the production sources of every service: no SQL spells a status of a lifecycle itself (it writes
 * {@code {step:running}}, expanded from the enum), and no statement but the doors' changes a status column. A
 * status-changing statement added anywhere else, or a literal {@code 'running'} in a query, fails here.
 */
class NoStatusOutsideTheDoorTest {

    /** The modules whose code talks to the database; bench/ is measuring code and left out. */
    private static final List<String> MODULES = List.of("common-model", "api-gateway", "scan-worker", "report-processor",
            "infra/standalone");
    private static final Set<String> DOOR = Set.of("StepTransitions.java", "ScanTransitions.java", "DeliveryTransitions.java",
            "CampaignTransitions.java");
    private static final Pattern STATUS_CHANGE = Pattern.compile(
            "(?is)\\bupdate\\s+(?:scan_steps|scans|webhook_deliveries|campaigns)\\b(?:\\s+(?!set\\b)\\w+)?\\s+set\\b((?:(?!\\bwhere\\b|\"\"\"|\";).)*)");
    private static final Pattern SETS_STATUS = Pattern.compile("(?i)(?<![\\w.])status\\s*=");

    @Test
    void noServiceSpellsAStatusInSqlOrChangesOneOutsideTheDoor() {
        List<String> found = new ArrayList<>();
        Pattern literal = statusLiteral();
        for (Path source : sources()) {
            String name = source.getFileName().toString();
            if (DOOR.contains(name) || source.toString().contains("/model/lifecycle/")) {
                continue;
            }
            String text = read(source);
            found.addAll(violations(repoRoot().relativize(source).toString(), text, literal));
        }
        assertThat(sources()).as("production sources read").hasSizeGreaterThan(150);
        assertThat(found).isEmpty();
    }

    @Test
    void theCheckFindsAPlantedLiteralAndAPlantedStatusChange() {
        Pattern literal = statusLiteral();
        assertThat(violations("A.java", "String Q = \"select id from scans where status = 'running'\";", literal))
                .singleElement().asString().contains("'running'");
        assertThat(violations("B.java", "String U = \"\"\"\n update scan_steps s\n set note = :n, status = {step:failed}\n where id = :id\n\"\"\";", literal))
                .singleElement().asString().contains("changes a status outside the door");
        assertThat(violations("C.java", "String R = \"update scan_steps set lease_until = now() where status = {step:running}\";", literal))
                .isEmpty();
        assertThat(violations("D.java", "log.info(\"it stays in 'reporting' for now\");", literal)).isNotEmpty();
    }

    private static List<String> violations(String file, String text, Pattern literal) {
        List<String> found = new ArrayList<>();
        Matcher quoted = literal.matcher(text);
        while (quoted.find()) {
            found.add(file + ":" + line(text, quoted.start()) + " spells " + quoted.group() + " (write {step:…}/{scan:…}/{delivery:…})");
        }
        Matcher update = STATUS_CHANGE.matcher(text);
        while (update.find()) {
            if (SETS_STATUS.matcher(update.group(1)).find()) {
                found.add(file + ":" + line(text, update.start()) + " changes a status outside the door");
            }
        }
        return found;
    }

    /** {@code 'queued'}, {@code 'running'}, … every status of every lifecycle, single-quoted as SQL writes it. */
    private static Pattern statusLiteral() {
        Set<String> names = Stream.of(StepStatus.values(), ScanStatus.values(), DeliveryStatus.values(),
                        io.nubicustos.model.campaign.CampaignStatus.values()).flatMap(Stream::of)
                .map(s -> ((Lifecycle<?>) s).db()).collect(Collectors.toCollection(TreeSet::new));
        return Pattern.compile("'(" + String.join("|", names) + ")'");
    }

    private static int line(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    private static List<Path> sources() {
        List<Path> all = new ArrayList<>();
        for (String module : MODULES) {
            Path root = repoRoot().resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(all::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** Surefire runs a module's tests in the module's directory; the repository is its parent. */
    private static Path repoRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
