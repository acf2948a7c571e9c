package io.nubicustos.gateway.triage;

import io.nubicustos.model.triage.TriageSql;

/** The API's side of triage matching: the SQL is common-model's {@link TriageSql}, shared with the processor; globs are here. */
public final class TriageMatch {

    /** True when an active rule covers {@code f} (see {@link TriageSql}). */
    public static final String IS_TRIAGED = TriageSql.IS_TRIAGED;

    /** The newest active rule covering {@code f} (see {@link TriageSql#RULE_OF_FINDING}). */
    public static final String RULE_OF_FINDING = TriageSql.RULE_OF_FINDING;

    private TriageMatch() {
    }

    /** A glob ({@code *} for any run of characters) as a LIKE pattern with {@code \} as its escape. */
    static String likePattern(String glob) {
        StringBuilder like = new StringBuilder(glob.length() + 8);
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '\\', '%', '_' -> like.append('\\').append(c);
                case '*' -> like.append('%');
                default -> like.append(c);
            }
        }
        return like.toString();
    }
}
