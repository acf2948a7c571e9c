package io.nubicustos.processor.report;

import io.nubicustos.processor.report.cloudsploit.CloudSploitParser;
import io.nubicustos.processor.report.kubescape.KubescapeParser;
import io.nubicustos.processor.report.prowler.ProwlerParser;
import io.nubicustos.processor.report.scoutsuite.ScoutSuiteParser;
import io.nubicustos.testsupport.Samples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
                arguments("a symlink out of the report directory", new ProwlerParser(), "link.ocsf.json", (Writer) dir -> {
                    Path outside = Files.createTempFile("outside", ".ocsf.json");
                    Files.copy(Samples.file("prowler/prowler5_example_output_aws.ocsf.json"), outside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.createSymbolicLink(dir.resolve("link.ocsf.json"), outside);
                }, "no Prowler report"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void isRefusedNamingTheFileAndPosition(String kind, ReportParser parser, String file, Writer writer, String detail,
                                           @TempDir Path dir) throws IOException {
        writer.write(dir);

        assertThatThrownBy(() -> parser.parse(dir, finding -> { }))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining(kind.startsWith("a symlink") ? "" : file)
                .hasMessageContaining(detail);
    }

}
