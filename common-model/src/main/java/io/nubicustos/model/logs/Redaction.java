package io.nubicustos.model.logs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from tool output before it is stored or shown: AWS access key ids wherever they
 * appear, secret keys and session tokens where a name says what they are, and any exact value the caller
 * knows to be secret (the keys of the profile a step ran with). Tools print their credentials more often
 * than one would think: in debug output, in error messages that echo a request, in dumps of their config.
 */
public final class Redaction {

    public static final String MARK = "[REDACTED]";

    private static final Pattern ACCESS_KEY_ID = Pattern.compile(
            "(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA|AGPA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])");
    private static final Pattern NAMED_SECRET = Pattern.compile(
            "(?i)(aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key|aws_?session_?token|aws_?security_?token|session_?token"
                    + "|x-amz-security-token)([\"']?\\s*[:=]\\s*[\"']?)([A-Za-z0-9/+=%]{16,})");
    private static final int MIN_KNOWN = 8;

    private final List<String> known;

    private Redaction(Collection<String> knownSecrets) {
        List<String> values = new ArrayList<>();
        for (String value : knownSecrets) {
            if (value != null && value.strip().length() >= MIN_KNOWN) {
                values.add(value.strip());
            }
        }
        // why: a longer secret that contains a shorter one must be replaced first
        values.sort(Comparator.comparingInt(String::length).reversed());
        this.known = List.copyOf(values);
    }

    /** Redacts by pattern only. */
    public static Redaction patterns() {
        return new Redaction(List.of());
    }

    /** Redacts by pattern and every occurrence of these values (values shorter than 8 characters are ignored). */
    public static Redaction of(Collection<String> knownSecrets) {
        return new Redaction(knownSecrets);
    }

    public String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : known) {
            out = out.replace(secret, MARK);
        }
        out = ACCESS_KEY_ID.matcher(out).replaceAll(MARK);
        Matcher named = NAMED_SECRET.matcher(out);
        return named.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MARK));
    }
}
