package io.nubicustos.model.lifecycle;

import io.nubicustos.model.messaging.DeliveryStatus;
import io.nubicustos.model.messaging.DeliveryTransitions;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.ScanTransitions;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.model.scan.StepTransitions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one door of each status column: every statement of {@link StepTransitions}, {@link ScanTransitions} and
 * {@link DeliveryTransitions} is read back from its SQL text (the statuses it sets, the statuses its own {@code WHERE}
 * lets it leave) and must say exactly what it declares, every move of it allowed by the lifecycle's table. That the
 * services write no such statement of their own is {@code NoStatusOutsideTheDoorTest}'s part.
 */
class TransitionsTest {

    private static final Pattern UPDATE = Pattern.compile("(?i)\\bupdate\\s+(scan_steps|scans|webhook_deliveries|campaigns)\\b(?:\\s+(?!set\\b)\\w+)?\\s+set\\b");
    private static final Pattern SET_STATUS = Pattern.compile("(?i)(?<![\\w.])status\\s*=\\s*(case\\b.*?\\bend\\b|'[a-z]+'|[^,\\s]+)",
            Pattern.DOTALL);
    private static final Pattern QUOTED = Pattern.compile("'([a-z]+)'");
    private static final Pattern GUARD = Pattern.compile("(?i)(?<![\\w])(?:\\w+\\.)?status\\s*(=\\s*'[a-z]+'|in\\s*\\{[^}]*})");

    record Statement(String table, Set<String> to, Set<String> from) {
    }

    static List<Transition> door() {
        return Stream.of(StepTransitions.ALL, ScanTransitions.ALL, DeliveryTransitions.ALL,
                io.nubicustos.model.campaign.CampaignTransitions.ALL).flatMap(List::stream).toList();
    }

    @Test
    void everyStatementOfTheDoorSetsAndGuardsExactlyWhatItDeclares() {
        assertThat(door()).extracting(Transition::name).doesNotHaveDuplicates().hasSize(14);
        for (Transition transition : door()) {
            List<Statement> found = parse(transition.sql());
            assertThat(found).as(transition.name() + ": one status-setting statement").hasSize(1);
            Statement statement = found.get(0);
            assertThat(statement.table()).as(transition.name()).isEqualTo(transition.table());
            assertThat(statement.to()).as(transition.name() + " sets").isEqualTo(transition.to());
            assertThat(statement.from()).as(transition.name() + " leaves").isEqualTo(transition.from());
            assertThat(illegalMoves(statement)).as(transition.name()).isEmpty();
            assertThat(transition.sql()).as(transition.name() + ": every status token expanded").doesNotContain("{step:", "{scan:", "{delivery:", "{campaign:");
        }
    }

    @Test
    void theDoorRefusesAMoveTheTableDoesNotAllowWhenItsClassLoads() {
        assertThatThrownBy(() -> Transition.of("back", "scan_steps", EnumSet.of(StepStatus.SUCCEEDED), EnumSet.of(StepStatus.QUEUED),
                "update scan_steps set status = {step:queued} where id = :id and status = {step:succeeded}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("succeeded -> queued");
        assertThatThrownBy(() -> Transition.of("revive", "scans", EnumSet.of(ScanStatus.CANCELLED), EnumSet.of(ScanStatus.RUNNING), "update scans"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Transition.of("redeliver", "webhook_deliveries", EnumSet.of(DeliveryStatus.DELIVERED),
                EnumSet.of(DeliveryStatus.PENDING), "update webhook_deliveries")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void statusTokensExpandFromTheEnumsAndATypoFails() {
        assertThat(StatusSql.expand("status = {step:running} and s in {scan:queued,running} and t in {step:terminal}"))
                .isEqualTo("status = 'running' and s in ('queued', 'running') and t in ('succeeded', 'failed', 'cancelled')");
        assertThat(StatusSql.expand("d = {delivery:pending} and x = '{a,b}'")).isEqualTo("d = 'pending' and x = '{a,b}'");
        assertThatThrownBy(() -> StatusSql.expand("status = {step:runing}")).hasMessageContaining("no step status 'runing'");
        assertThatThrownBy(() -> StatusSql.expand("status = {step:Running}")).hasMessageContaining("malformed");
    }

    @Test
    void theSettleStatementFollowsTheOneSettleRuleInItsOrder() {
        String sql = ScanTransitions.SETTLE.sql();
        int failed = sql.indexOf("status = 'failed') then 'failed'");
        int cancelled = sql.indexOf("status = 'cancelled') then 'cancelled'");
        assertThat(failed).isPositive();
        assertThat(cancelled).isGreaterThan(failed);
        assertThat(sql).contains("else 'completed' end");
        assertThat(ScanStatus.settle(List.of(StepStatus.CANCELLED, StepStatus.FAILED))).isEqualTo(ScanStatus.FAILED);
        assertThat(ScanStatus.settle(List.of(StepStatus.SUCCEEDED, StepStatus.CANCELLED))).isEqualTo(ScanStatus.CANCELLED);
        assertThat(ScanStatus.settle(List.of(StepStatus.SUCCEEDED))).isEqualTo(ScanStatus.COMPLETED);
    }

    @Test
    void theReaderOfStatementsCatchesAnIllegalMoveAParameterStatusAndAMissingGuard() {
        assertThat(illegalMoves(parse("update scan_steps set status = 'queued' where id = :id and status = 'succeeded'").get(0)))
                .containsExactly("scan_steps succeeded -> queued");
        assertThat(parse("update scans set status = :status where id = :id and status = 'running'").get(0).to()).isEmpty();
        assertThat(parse("update scan_steps set status = 'failed', error = :e where id = :id").get(0).from()).isEmpty();
        assertThat(parse("update scan_steps set lease_until = now() where status = 'running'")).isEmpty();
    }

    static List<String> illegalMoves(Statement statement) {
        BiPredicate<String, String> allowed = switch (statement.table()) {
            case "scan_steps" -> (from, to) -> StepStatus.fromDb(from).canMoveTo(StepStatus.fromDb(to));
            case "scans" -> (from, to) -> ScanStatus.fromDb(from).canMoveTo(ScanStatus.fromDb(to));
            case "campaigns" -> (from, to) -> io.nubicustos.model.campaign.CampaignStatus.fromDb(from)
                    .canMoveTo(io.nubicustos.model.campaign.CampaignStatus.fromDb(to));
            default -> (from, to) -> DeliveryStatus.fromDb(from).canMoveTo(DeliveryStatus.fromDb(to));
        };
        List<String> illegal = new ArrayList<>();
        for (String from : statement.from()) {
            for (String to : statement.to()) {
                if (!allowed.test(from, to)) {
                    illegal.add(statement.table() + " " + from + " -> " + to);
                }
            }
        }
        return illegal;
    }

    /** Each UPDATE in the text that sets a status: the statuses it sets and the statuses its own WHERE allows. */
    static List<Statement> parse(String sql) {
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
            found.add(new Statement(update.group(1).toLowerCase(Locale.ROOT), to, from));
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
