package io.nubicustos.processor.report.prowler;

/** What Prowler's readers (native JSON, ASFF, CSV) share about its text fields. */
final class ProwlerText {

    private ProwlerText() {
    }

    /** Two optional paragraphs as one: either alone, or both on their own lines. */
    static String join(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + "\n" + b;
    }
}
