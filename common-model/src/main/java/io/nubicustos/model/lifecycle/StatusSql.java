package io.nubicustos.model.lifecycle;

import io.nubicustos.model.messaging.DeliveryStatus;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepStatus;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Status values in SQL text are written as tokens that name an enum constant, expanded once when the statement's
 * constant is built: {@code {step:running}} becomes {@code 'running'}, {@code {scan:queued,running}} becomes
 * {@code ('queued', 'running')}, {@code {step:terminal}} the terminal statuses of steps as a list. A token naming a
 * status that does not exist fails when its class loads, so a typo cannot reach the database, and no statement of
 * the services spells a status itself ({@code NoStatusOutsideTheDoorTest} holds them to it).
 */
public final class StatusSql {

    private static final Pattern TOKEN = Pattern.compile("\\{(step|scan|delivery|campaign):([a-z_,]+)}");
    private static final Map<String, Class<? extends Enum<?>>> LIFECYCLES = Map.of(
            "step", StepStatus.class, "scan", ScanStatus.class, "delivery", DeliveryStatus.class,
            "campaign", io.nubicustos.model.campaign.CampaignStatus.class);

    private StatusSql() {
    }

    /** The text with every status token replaced by its literal or list; refuses an unknown token. */
    public static String expand(String sql) {
        Matcher token = TOKEN.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (token.find()) {
            token.appendReplacement(out, Matcher.quoteReplacement(literal(token.group(1), token.group(2))));
        }
        token.appendTail(out);
        if (out.indexOf("{step:") >= 0 || out.indexOf("{scan:") >= 0 || out.indexOf("{delivery:") >= 0 || out.indexOf("{campaign:") >= 0) {
            throw new IllegalArgumentException("a status token is malformed in: " + sql);
        }
        return out.toString();
    }

    /** The statuses as an SQL list, {@code ('queued', 'running')}. */
    @SafeVarargs
    public static <S extends Enum<S> & Lifecycle<S>> String list(S... statuses) {
        return list(Arrays.asList(statuses));
    }

    public static <S extends Enum<S> & Lifecycle<S>> String list(Iterable<S> statuses) {
        StringBuilder out = new StringBuilder("(");
        for (S status : statuses) {
            out.append(out.length() > 1 ? ", " : "").append(status.sql());
        }
        if (out.length() == 1) {
            throw new IllegalArgumentException("an SQL list needs at least one status");
        }
        return out.append(')').toString();
    }

    /** The terminal statuses of a lifecycle, in declaration order. */
    public static <S extends Enum<S> & Lifecycle<S>> Set<S> terminal(Class<S> lifecycle) {
        return Arrays.stream(lifecycle.getEnumConstants()).filter(Lifecycle::isTerminal)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(lifecycle)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String literal(String lifecycle, String names) {
        Class type = LIFECYCLES.get(lifecycle);
        if (names.equals("terminal")) {
            return list(terminal(type));
        }
        String[] parts = names.split(",", -1);
        Set<Enum> statuses = new java.util.LinkedHashSet<>();
        for (String name : parts) {
            statuses.add(Arrays.stream((Enum[]) type.getEnumConstants()).filter(s -> ((Lifecycle) s).db().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + lifecycle + " status '" + name + "'")));
        }
        return parts.length == 1 ? ((Lifecycle) statuses.iterator().next()).sql() : list((Iterable) statuses);
    }
}
