package io.nubicustos.processor.report.inventory;

import io.nubicustos.processor.report.BoundedLines;
import io.nubicustos.processor.report.FindingSink;
import io.nubicustos.processor.report.ReportException;
import io.nubicustos.processor.report.ReportParser;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Tools that produce inventory, not findings: the step succeeds with zero findings and a summary of
 * what the tool recorded, which the API shows as the step's note.
 * <ul>
 *   <li>Cartography writes its asset graph to Neo4j; the summary counts its sync log lines and errors.</li>
 *   <li>enumerate-iam logs one {@code -- service.operation() worked!} line per permitted API call; the
 *       summary gives the account and the permitted calls.</li>
 *   <li>Pacu keeps its results in its session folder; the summary counts the files its modules wrote
 *       (confirmed permissions, privilege-escalation scans).</li>
 * </ul>
 */
public final class InventoryParser implements ReportParser {

    private static final Pattern WORKED = Pattern.compile("-- ([a-z0-9-]+\\.[A-Za-z0-9_]+)\\(\\) worked!");
    private static final Pattern ACCOUNT = Pattern.compile("-- Account Id\\s*:\\s*(\\d+)");
    private static final int MAX_LISTED = 20;
    private static final int MAX_LINE = 64 * 1024;

    private final String format;

    private InventoryParser(String format) {
        this.format = format;
    }

    public static List<ReportParser> all() {
        return List.of(new InventoryParser("cartography-log"), new InventoryParser("enumerate-iam-log"), new InventoryParser("pacu-session"));
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public String parse(Path reportDir, FindingSink sink) throws ReportException {
        List<Path> files = files(reportDir);
        return switch (format) {
            case "cartography-log" -> cartography(files);
            case "enumerate-iam-log" -> enumerateIam(files);
            default -> pacu(files);
        };
    }

    private static String cartography(List<Path> files) throws ReportException {
        LongAdder lines = new LongAdder();
        LongAdder errors = new LongAdder();
        for (Path file : files) {
            eachLine(file, line -> {
                lines.increment();
                if (line.contains("ERROR") || line.contains("Traceback")) {
                    errors.increment();
                }
            });
        }
        return "inventory only: Cartography writes its asset graph to Neo4j, so no findings are derived here; its sync log has "
                + lines + " line(s), " + errors + " of them errors";
    }

    private static String enumerateIam(List<Path> files) throws ReportException {
        List<String> permitted = new ArrayList<>();
        String[] accountFound = new String[1];
        long[] total = new long[1];
        for (Path file : files) {
            eachLine(file, line -> {
                Matcher worked = WORKED.matcher(line);
                if (worked.find()) {
                    total[0]++;
                    if (permitted.size() < MAX_LISTED) {
                        permitted.add(worked.group(1));
                    }
                }
                Matcher id = ACCOUNT.matcher(line);
                if (id.find()) {
                    accountFound[0] = id.group(1);
                }
            });
        }
        String account = accountFound[0];
        return "inventory only: enumerate-iam lists permitted API calls, not findings; account " + (account == null ? "unknown" : account)
                + ", " + total[0] + " permitted call(s)"
                + (permitted.isEmpty() ? "" : ": " + String.join(", ", permitted) + (total[0] > MAX_LISTED ? ", …" : ""));
    }

    private static String pacu(List<Path> files) {
        long permissions = files.stream().filter(p -> p.toString().contains("confirmed_permissions")).count();
        long privesc = files.stream().filter(p -> p.getFileName().toString().startsWith("offline_privesc_scan")).count();
        return "inventory only: Pacu keeps enumeration results in its session; " + files.size() + " file(s), " + permissions
                + " confirmed-permissions file(s), " + privesc + " privilege-escalation scan file(s)";
    }

    private static List<Path> files(Path dir) throws ReportException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ReportException("report directory " + dir + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(dir, 8, new FileVisitOption[0])) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new ReportException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Streams a log file line by line (Latin-1: any byte sequence is a valid line); a line longer than
     * {@link #MAX_LINE} is cut, so one endless line cannot exhaust the heap.
     */
    private static void eachLine(Path file, Consumer<String> visitor) throws ReportException {
        try (BoundedLines lines = new BoundedLines(new InputStreamReader(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
                StandardCharsets.ISO_8859_1), MAX_LINE)) {
            String line;
            while ((line = lines.next()) != null) {
                visitor.accept(line);
            }
        } catch (IOException e) {
            throw new ReportException(file, null, "cannot read: " + e.getMessage());
        }
    }
}
