package io.nubicustos.standalone;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepStatus;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transition tables of {@link StepStatus} and {@link ScanStatus} are the law; the SQL of every
 * service must obey them. This test reads every SQL constant of the production code, finds each
 * {@code UPDATE} that sets a status, and checks every move its guard allows ({@code WHERE status = ...})
 * against the table, so the two cannot drift apart. A status-setting UPDATE without a guard fails too.
 */
class TransitionTableTest {

    private static final Pattern UPDATE = Pattern.compile("(?i)\\bupdate\\s+(scan_steps|scans)\\b(?:\\s+(?!set\\b)\\w+)?\\s+set\\b");
    private static final Pattern SET_STATUS = Pattern.compile("(?i)(?<![\\w.])status\\s*=\\s*(case\\b.*?\\bend\\b|'[a-z]+'|[^,\\s]+)",
            Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("'([a-z]+)'");
    private static final Pattern GUARD = Pattern.compile("(?i)(?<![\\w])(?:\\w+\\.)?status\\s*(=\\s*'[a-z]+'|in\\s*\\{[^}]*})");

    record Statement(String owner, String table, Set<String> to, Set<String> from, String sql) {
    }

    @Test
    void everyStatusUpdateOfEveryServiceIsAllowedByTheTransitionTable() throws Exception {
        List<Statement> statements = statusUpdates();
        assertThat(statements).as("status-setting statements found in the services").hasSizeGreaterThanOrEqualTo(10);
        assertThat(violations(statements)).as("moves the transition tables do not allow").isEmpty();
    }

    @Test
    void theCheckerRefusesAnIllegalMoveAStatusFromAParameterAndAnUnguardedUpdate() {
        assertThat(violations(parse("a", "update scan_steps set status = 'queued' where id = :id and status = 'succeeded'")))
                .containsExactly("a: scan_steps succeeded -> queued");
        assertThat(violations(parse("b", "update scans set status = :status where id = :id and status = 'running'")))
                .singleElement().asString().contains("cannot be checked");
        assertThat(violations(parse("c", "update scan_steps set status = 'failed', error = :e where id = :id")))
                .singleElement().asString().contains("without a status guard");
        assertThat(violations(parse("d", """
                update scans s set status = case when exists (select 1 from scan_steps where status = 'failed') then 'failed' else 'completed' end
                 where s.id = :id and s.status in ('queued', 'running')
                   and not exists (select 1 from scan_steps where scan_id = s.id and status not in ('succeeded', 'failed'))
                """))).isEmpty();
    }

    static List<String> violations(List<Statement> statements) {
        List<String> illegal = new ArrayList<>();
        for (Statement statement : statements) {
            if (statement.to().isEmpty()) {
                illegal.add(statement.owner() + ": sets the status of " + statement.table() + " from a value that cannot be checked against the table");
                continue;
            }
            if (statement.from().isEmpty()) {
                illegal.add(statement.owner() + ": sets status " + statement.to() + " of " + statement.table() + " without a status guard");
                continue;
            }
            BiPredicate<String, String> allowed = statement.table().equals("scan_steps")
                    ? (from, to) -> StepStatus.fromDb(from).canMoveTo(StepStatus.fromDb(to))
                    : (from, to) -> ScanStatus.fromDb(from).canMoveTo(ScanStatus.fromDb(to));
            for (String from : statement.from()) {
                for (String to : statement.to()) {
                    if (!allowed.test(from, to)) {
                        illegal.add(statement.owner() + ": " + statement.table() + " " + from + " -> " + to);
                    }
                }
            }
        }
        return illegal;
    }

    private static List<Statement> statusUpdates() throws IllegalAccessException {
        List<Statement> statements = new ArrayList<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.nubicustos")) {
            Class<?> clazz = type.reflect();
            for (Field field : clazz.getDeclaredFields()) {
                if (field.getType() == String.class && Modifier.isStatic(field.getModifiers()) && Modifier.isFinal(field.getModifiers())) {
                    field.setAccessible(true);
                    String sql = (String) field.get(null);
                    if (sql != null) {
                        statements.addAll(parse(clazz.getSimpleName() + "." + field.getName(), sql));
                    }
                }
            }
        }
        return statements;
    }

    /** Each UPDATE in the text that sets a status: the statuses it sets and the statuses its own WHERE allows. */
    static List<Statement> parse(String owner, String sql) {
        List<Statement> found = new ArrayList<>();
        Matcher update = UPDATE.matcher(sql);
        while (update.find()) {
            String rest = statementAt(sql, update.end());
            int where = topLevelIndexOf(rest, "where");
            String set = where < 0 ? rest : rest.substring(0, where);
            Matcher status = SET_STATUS.matcher(topLevel(set));
            if (!status.find()) {
                continue;
            }
            Set<String> to = quoted(status.group(1));
            Set<String> from = new LinkedHashSet<>();
            if (where >= 0) {
                Matcher guard = GUARD.matcher(topLevel(rest.substring(where)));
                while (guard.find()) {
                    from.addAll(quoted(guard.group(1)));
                }
            }
            found.add(new Statement(owner, update.group(1).toLowerCase(Locale.ROOT), to, from, sql));
        }
        return found;
    }

    /** The text of the statement starting at {@code start}: up to the parenthesis that closes its CTE, or the end. */
    private static String statementAt(String sql, int start) {
        int depth = 0;
        for (int i = start; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (depth == 0) {
                    return sql.substring(start, i);
                }
                depth--;
            }
        }
        return sql.substring(start);
    }

    private static int topLevelIndexOf(String text, String word) {
        String top = topLevel(text);
        Matcher m = Pattern.compile("(?i)\\b" + word + "\\b").matcher(top);
        return m.find() ? m.start() : -1;
    }

    /**
     * The text with nested parentheses blanked out (subqueries say nothing about this statement's own
     * guard), except the value lists of {@code in (...)}, kept as {@code {...}}. Positions are preserved.
     */
    private static String topLevel(String text) {
        StringBuilder out = new StringBuilder(text);
        int depth = 0;
        boolean keep = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                if (depth == 0 && text.substring(0, i).stripTrailing().toLowerCase(Locale.ROOT).endsWith(" in")) {
                    keep = true;
                    out.setCharAt(i, '{');
                } else if (!keep || depth > 0) {
                    out.setCharAt(i, ' ');
                }
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0 && keep) {
                    keep = false;
                    out.setCharAt(i, '}');
                } else {
                    out.setCharAt(i, ' ');
                }
            } else if (depth > 0 && !keep) {
                out.setCharAt(i, ' ');
            }
        }
        return out.toString();
    }

    private static Set<String> quoted(String text) {
        Set<String> values = new LinkedHashSet<>();
        Matcher m = QUOTED.matcher(text);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }
}
