package io.nubicustos.gateway.web;

/**
 * A client's or producer's value as it may appear in a message, a log line or the audit log: cut to a
 * maximum length, control characters (and Unicode line separators) escaped, so it can neither forge a
 * log line nor flood one.
 */
public final class Printable {

    private Printable() {
    }

    public static String of(String value, int max) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
        int i = 0;
        for (; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < value.length() ? out + "…" : out.toString();
    }
}
