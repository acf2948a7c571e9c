package io.nubicustos.processor.report;

import java.io.IOException;
import java.io.Reader;
import java.io.BufferedReader;

/**
 * Reads text line by line with the line's length checked while it is read, so that a report or log
 * that is one endless line cannot exhaust the heap. A line longer than the limit is cut: the caller
 * learns it was (and may refuse the file), and the rest of that line is skipped without being kept.
 */
public final class BoundedLines implements AutoCloseable {

    private final Reader in;
    private final int maxLine;
    private final StringBuilder line = new StringBuilder();
    private long number;
    private boolean cut;
    private boolean pendingLf;

    public BoundedLines(Reader in, int maxLine) {
        this.in = in instanceof BufferedReader ? in : new BufferedReader(in, 64 * 1024);
        this.maxLine = maxLine;
    }

    /** The next line without its terminator (possibly cut, see {@link #wasCut()}), or null at the end. */
    public String next() throws IOException {
        line.setLength(0);
        cut = false;
        int c = in.read();
        if (pendingLf && c == '\n') {
            c = in.read();
        }
        pendingLf = false;
        if (c == -1) {
            return null;
        }
        number++;
        while (c != -1 && c != '\n' && c != '\r') {
            if (line.length() < maxLine) {
                line.append((char) c);
            } else {
                cut = true;
            }
            c = in.read();
        }
        pendingLf = c == '\r';
        return line.toString();
    }

    /** Whether the last line was longer than the limit (and was cut). */
    public boolean wasCut() {
        return cut;
    }

    /** The 1-based number of the last line returned. */
    public long lineNumber() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
