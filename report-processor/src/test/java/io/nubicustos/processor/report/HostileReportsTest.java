package io.nubicustos.processor.report;

import io.nubicustos.processor.report.cloudmapper.CloudMapperParser;
import io.nubicustos.processor.report.cloudsploit.CloudSploitParser;
import io.nubicustos.processor.report.custodian.CustodianParser;
import io.nubicustos.processor.report.inventory.InventoryParser;
import io.nubicustos.processor.report.kubescape.KubescapeParser;
import io.nubicustos.processor.report.prowler.ProwlerParser;
import io.nubicustos.processor.report.scoutsuite.ScoutSuiteParser;
import io.nubicustos.testsupport.Samples;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed and hostile report files: each is refused with a {@link ReportException} that names the
 * file and, where the parser got that far, the position; none crashes the parser or exhausts memory.
 */
class HostileReportsTest {

    interface Writer {
        void write(Path dir) throws IOException;
    }

    static Stream<Arguments> reports() {
        return Stream.of(
                arguments("truncated array", new ProwlerParser(), "r.ocsf.json", (Writer) dir -> {
                    String whole = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
                    Files.writeString(dir.resolve("r.ocsf.json"), whole.substring(0, whole.length() - 40));
                }, "at line"),
                arguments("object instead of array", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "{\"findings\": []}"), "line 1, column 1"),
                arguments("element of the wrong type", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[\"FAIL\"]"), "line 1, column 2"),
                arguments("nesting 5000 levels deep", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "]"),
                        "nesting depth"),
                arguments("a 9 MB string", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[{\"status_detail\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}]"),
                        "String value length"),
                arguments("a 500-digit number", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[{\"severity_id\": " + "9".repeat(500) + "}]"),
                        "Number value length"),
                arguments("invalid UTF-8", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.write(dir.resolve("r.ocsf.json"), new byte[] {'[', '{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}', ']'}),
                        "Invalid UTF-8"),
                arguments("binary garbage", new CloudSploitParser(), "results.json",
                        (Writer) dir -> Files.write(dir.resolve("results.json"), new byte[] {0x00, 0x01, (byte) 0xFF, 0x7F, 0x10}), "results.json at line 1"),
                arguments("empty file", new CloudSploitParser(), "results.json",
                        (Writer) dir -> Files.write(dir.resolve("results.json"), new byte[0]), "results.json"),
                arguments("content after the closing bracket", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[] [{\"status_code\": \"FAIL\"}]"), "after the closing ']'"),
                arguments("finding without a status", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[{\"metadata\": {\"event_code\": \"x\"}}]"), "without status_code"),
                arguments("ScoutSuite file without its assignment", new ScoutSuiteParser(), "scoutsuite_results_aws-1.js",
                        (Writer) dir -> Files.writeString(dir.resolve("scoutsuite_results_aws-1.js"), "alert(1);\n{}"), "scoutsuite_results ="),
                arguments("CSV quote that never closes", new ProwlerParser(), "r.csv",
                        (Writer) dir -> Files.writeString(dir.resolve("r.csv"), "CHECK_ID;STATUS;SEVERITY\nx;\"FAIL;high\n"), "never closes"),
                arguments("CSV row with too many fields", new ProwlerParser(), "r.csv",
                        (Writer) dir -> Files.writeString(dir.resolve("r.csv"), "CHECK_ID;STATUS;SEVERITY\nx;FAIL;high;extra\n"), "line 2"),
                arguments("Kubescape report cut short", new KubescapeParser(), "k.json",
                        (Writer) dir -> Files.writeString(dir.resolve("k.json"), "{\"results\": [{\"resourceID\": \"a\","), "k.json"),
                arguments("an element of a million tiny values", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[{\"a\": [" + "0,".repeat(1_200_000) + "0]}]"),
                        "an element larger than"),
                arguments("an element of 20 MB in ordinary strings", new ProwlerParser(), "r.ocsf.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.ocsf.json"), "[{\"a\": [" + ("\"" + "x".repeat(1024 * 1024) + "\",")
                                .repeat(20) + "\"x\"]}]"), "an element larger than"),
                arguments("a Kubescape failed control without its id", new KubescapeParser(), "k.json",
                        (Writer) dir -> Files.writeString(dir.resolve("k.json"), "{\"results\": [{\"resourceID\": \"a\", \"controls\":"
                                + " [{\"status\": {\"status\": \"failed\"}}]}]}"), "has no controlID"),
                arguments("a CloudSploit result with a region of the wrong type", new CloudSploitParser(), "results.json",
                        (Writer) dir -> Files.writeString(dir.resolve("results.json"), "[{\"plugin\": \"p\", \"status\": \"FAIL\","
                                + " \"region\": [{\"a\": {\"b\": 1}}], \"resource\": 7}]"), "results.json at line 1"),
                arguments("a CloudSploit result without its plugin", new CloudSploitParser(), "results.json",
                        (Writer) dir -> Files.writeString(dir.resolve("results.json"), "[{\"status\": \"FAIL\"}]"), "without 'plugin'"),
                arguments("an ASFF finding without its generator", new ProwlerParser(), "r.asff.json",
                        (Writer) dir -> Files.writeString(dir.resolve("r.asff.json"), "[{\"Compliance\": {\"Status\": \"FAILED\"}}]"),
                        "without GeneratorId"),
                arguments("a CloudMapper line without its issue", new CloudMapperParser(), "audit.jsonl",
                        (Writer) dir -> Files.writeString(dir.resolve("audit.jsonl"), "{\"account_id\": \"1\"}\n"), "without 'issue'"),
                arguments("a CloudMapper output of one 300 MB line", new CloudMapperParser(), "audit.jsonl",
                        (Writer) dir -> endlessLine(dir.resolve("audit.jsonl"), 300), "line longer than"),
                arguments("a Prowler CSV record of 16 MB in short fields", new ProwlerParser(), "r.csv",
                        (Writer) dir -> Files.writeString(dir.resolve("r.csv"), "CHECK_ID;STATUS;SEVERITY\n"
                                + (("y".repeat(16 * 1024) + ";").repeat(999)) + "\n"), "longer than 8388608 characters"),
                arguments("a Custodian metadata.json of one 20 MB element", new CustodianParser(), "metadata.json", (Writer) dir -> {
                    Path policy = Files.createDirectories(dir.resolve("public-buckets"));
                    Files.writeString(policy.resolve("resources.json"), "[]");
                    Files.writeString(policy.resolve("metadata.json"), "{\"policy\": [" + "0,".repeat(1_200_000) + "0]}");
                }, "an element larger than"),
                arguments("a symlink out of the report directory", new ProwlerParser(), "link.ocsf.json", (Writer) dir -> {
                    Path outside = Files.createTempFile("outside", ".ocsf.json");
                    Files.copy(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"), outside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.createSymbolicLink(dir.resolve("link.ocsf.json"), outside);
                }, "no Prowler report"),
                // a FIFO would block a reader for ever, and /dev/zero's node would feed one without end
                arguments("a FIFO named as the report", new ProwlerParser(), "fifo.ocsf.json",
                        (Writer) dir -> special(dir.resolve("fifo.ocsf.json"), "mkfifo"), "no Prowler report"),
                arguments("a device node (/dev/zero's) named as the report", new ProwlerParser(), "zero.ocsf.json",
                        (Writer) dir -> special(dir.resolve("zero.ocsf.json"), "mknod", "c", "1", "5"), "no Prowler report"));
    }

    /** Makes a special file with {@code mkfifo}, or with {@code mknod} when running as root (as CI does; else skipped). */
    static void special(Path file, String command, String... arguments) throws IOException {
        Assumptions.assumeTrue(!command.equals("mknod") || "root".equals(System.getProperty("user.name")), "mknod needs root");
        List<String> line = new ArrayList<>(List.of(command, file.toString()));
        line.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(line).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", line) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A file of {@code megabytes} MB without a line break, written a megabyte at a time. */
    static void endlessLine(Path file, int megabytes) throws IOException {
        byte[] chunk = "x".repeat(1024 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                out.write(chunk);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)  // a parser blocked on a FIFO fails, not hangs
    void isRefusedNamingTheFileAndPosition(String kind, ReportParser parser, String file, Writer writer, String detail,
                                           @TempDir Path dir) throws IOException {
        writer.write(dir);

        List<Object> read = new ArrayList<>();
        // why: a link or a special file is never opened, so the report is missing: the error names the directory
        boolean link = kind.startsWith("a symlink") || kind.startsWith("a FIFO") || kind.startsWith("a device");
        Throwable refused = catchThrowable(() -> parser.parse(dir, read::add));
        assertThat(refused).isInstanceOf(ReportException.class)
                .hasMessageContaining(link ? dir.toString() : file)
                .hasMessageContaining(detail);
        if (link) {
            // why: a streaming parser may hand over findings before a later part of a report fails (the store rolls them
            // back); a link out of the directory is never opened, so nothing of it is ever read
            assertThat(refused).as("the link's target is never opened").hasMessageNotContaining("outside");
            assertThat(read).as("nothing read through the link").isEmpty();
        }
    }


    @Test
    void anEndlessLogLineIsCutNotReadWhole(@TempDir Path dir) throws Exception {
        endlessLine(dir.resolve("cartography-sync.log"), 300);
        Files.writeString(dir.resolve("cartography-sync.log"), "\nERROR one more line\n", java.nio.file.StandardOpenOption.APPEND);
        ReportParser cartography = InventoryParser.all().stream().filter(p -> p.format().equals("cartography-log")).findFirst().orElseThrow();

        String note = cartography.parse(dir, finding -> { });

        org.assertj.core.api.Assertions.assertThat(note).contains("2 line(s), 1 of them errors");
    }

    @Test
    void anOcsfTimeNoCalendarHasIsLeftOutNotFatal(@TempDir Path dir) throws Exception {
        String sample = Files.readString(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"));
        Files.writeString(dir.resolve("r.ocsf.json"), sample.replaceAll("\"time\":\\s*\\d+", "\"time\": 1e300"));
        java.util.List<io.nubicustos.model.finding.Finding> found = new java.util.ArrayList<>();

        new ProwlerParser().parse(dir, found::add);

        org.assertj.core.api.Assertions.assertThat(found).hasSize(5).allSatisfy(f -> org.assertj.core.api.Assertions.assertThat(f.observedAt()).isNull());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCustodianMetadataFileThatIsAFifoIsNotOpened(@TempDir Path dir) throws Exception {
        Path policy = Files.createDirectories(dir.resolve("public-buckets"));
        Files.writeString(policy.resolve("resources.json"), "[{\"Name\": \"open-bucket\"}]");
        special(policy.resolve("metadata.json"), "mkfifo");
        List<Object> found = new ArrayList<>();

        String note = new CustodianParser().parse(dir, found::add);

        assertThat(found).as("the policy's resources are still read").hasSize(1);
        assertThat(note).contains("1 matched resource(s)");
    }
}
