package io.nubicustos.bench;

import java.util.ArrayList;
import java.util.List;

/** The printed result: one line per measure, ours beside the reference, with the goal and whether it is met. */
final class Table {

    record Line(String measure, String ours, String reference, String ratio, String goal, boolean met) {
    }

    private final List<Line> lines = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void add(String measure, String ours, String reference, String ratio, String goal, boolean met) {
        lines.add(new Line(measure, ours, reference, ratio, goal, met));
    }

    void note(String text) {
        notes.add(text);
    }

    String render() {
        int[] width = {7, 4, 9, 5, 4, 3};
        for (Line l : lines) {
            width[0] = Math.max(width[0], l.measure().length());
            width[1] = Math.max(width[1], l.ours().length());
            width[2] = Math.max(width[2], l.reference().length());
            width[3] = Math.max(width[3], l.ratio().length());
            width[4] = Math.max(width[4], l.goal().length());
        }
        StringBuilder out = new StringBuilder();
        String format = "| %-" + width[0] + "s | %-" + width[1] + "s | %-" + width[2] + "s | %-" + width[3] + "s | %-" + width[4]
                + "s | %-3s |%n";
        out.append(String.format(format, "measure", "ours", "reference", "ratio", "goal", "met"));
        out.append(String.format(format, "-".repeat(width[0]), "-".repeat(width[1]), "-".repeat(width[2]), "-".repeat(width[3]),
                "-".repeat(width[4]), "---"));
        for (Line l : lines) {
            out.append(String.format(format, l.measure(), l.ours(), l.reference(), l.ratio(), l.goal(), l.met() ? "yes" : "NO"));
        }
        for (String note : notes) {
            out.append(System.lineSeparator()).append("- ").append(note);
        }
        return out.toString();
    }
}
