package io.nubicustos.gateway.finding;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A value a spreadsheet would run as a formula is written as text, a leading tab or carriage return included. */
class CsvFindingWriterTest {

    @Test
    void formulasAreDefusedWhateverWhitespaceSpreadsheetsStripBeforeThem() {
        assertThat(CsvFindingWriter.quote("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(CsvFindingWriter.quote("\t=1+1")).isEqualTo("'\t=1+1");
        assertThat(CsvFindingWriter.quote("\r=1+1")).isEqualTo("\"'\r=1+1\"");
        assertThat(CsvFindingWriter.quote("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvFindingWriter.quote("arn:aws:s3:::bucket")).isEqualTo("arn:aws:s3:::bucket");
    }
}
