package io.nubicustos.processor.report;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming reader of delimited text (RFC 4180 quoting: quoted fields may hold the delimiter,
 * newlines and doubled quotes), one record at a time. Field and record sizes are bounded, so a hostile
 * file cannot exhaust the heap.
 */
public final class DelimitedReader implements AutoCloseable {

    private static final int MAX_FIELD = 1024 * 1024;
    private static final int MAX_FIELDS = 1000;
    private static final int MAX_RECORD = 8 * 1024 * 1024;

    private final Reader in;
    private final char delimiter;
    private long line = 1;
    private long recordLine = 1;
    private int pushedBack = -2;

    public DelimitedReader(Reader in, char delimiter) {
        this.in = in;
        this.delimiter = delimiter;
    }

    /** The line on which the last record returned by {@link #next()} began. */
    public long recordLine() {
        return recordLine;
    }

    /** The next record, or null at the end of the input. */
    public List<String> next() throws IOException, MalformedRecord {
        int c = read();
        while (c == '\r' || c == '\n') {
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long recordChars = 0;
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new MalformedRecord("a quoted field opened on line " + recordLine + " never closes");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                c = read();
                continue;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        pushedBack = n;
                    }
                }
                fields.add(field.toString());
                return fields;
            } else {
                field.append((char) c);
            }
            fieldStart = false;
            if (++recordChars > MAX_RECORD) {
                throw new MalformedRecord("a record on line " + recordLine + " is longer than " + MAX_RECORD + " characters");
            }
            if (field.length() > MAX_FIELD) {
                throw new MalformedRecord("a field on line " + recordLine + " is longer than " + MAX_FIELD + " characters");
            }
            if (fields.size() > MAX_FIELDS) {
                throw new MalformedRecord("a record on line " + recordLine + " has more than " + MAX_FIELDS + " fields");
            }
            c = read();
        }
    }

    private int read() throws IOException {
        int c;
        if (pushedBack != -2) {
            c = pushedBack;
            pushedBack = -2;
        } else {
            c = in.read();
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The input is not well-formed delimited text. */
    public static final class MalformedRecord extends Exception {
        public MalformedRecord(String message) {
            super(message);
        }
    }
}
