package io.nubicustos.gateway.schedule;

import io.nubicustos.gateway.web.Printable;
import org.springframework.scheduling.support.CronExpression;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * When a schedule fires: a cron expression in a time zone, or a fixed interval from an anchor. Only the
 * next due time after "now" is ever computed, so after downtime a schedule fires once for all the slots it
 * missed, not once per slot.
 *
 * <p>Cron expressions have the usual five fields (minute, hour, day of month, month, day of week) or are
 * one of Spring's macros ({@code @hourly}, {@code @daily}, …); a seconds field is refused, so no schedule
 * fires more than once a minute. As in Unix cron, when both day fields are restricted a day matching either
 * one is due ({@code 0 9 1 * MON}: the first of the month and every Monday); Spring's own expressions would
 * need both to match, so such an expression is kept as two, one per day field, and the earlier time wins.
 *
 * @param cron one expression, or two when both day fields are restricted
 */
record ScheduleTiming(List<CronExpression> cron, String cronText, ZoneId zone, Duration interval, Instant anchor) {

    static ScheduleTiming cron(String expression, String zone) {
        String text = expression == null ? "" : expression.trim();
        String[] fields = text.split("\\s+");
        if (!text.startsWith("@") && fields.length != 5) {
            throw new InvalidSchedule("cron", "cron must have five fields (minute hour day-of-month month day-of-week) or be a macro"
                    + " such as @hourly; got " + fields.length + " field(s)");
        }
        List<CronExpression> parsed;
        try {
            if (text.startsWith("@")) {
                parsed = List.of(CronExpression.parse(text));
            } else if (restricted(fields[2]) && restricted(fields[4])) {
                parsed = List.of(CronExpression.parse(String.join(" ", "0", fields[0], fields[1], fields[2], fields[3], "*")),
                        CronExpression.parse(String.join(" ", "0", fields[0], fields[1], "*", fields[3], fields[4])));
            } else {
                parsed = List.of(CronExpression.parse("0 " + text));
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidSchedule("cron", "cron '" + Printable.of(text, 100) + "' is not valid: " + e.getMessage());
        }
        return new ScheduleTiming(parsed, text, zone(zone), null, null);
    }

    /** A day field that does not start with {@code *} (or Spring's {@code ?}) restricts the days, as Unix cron reads it. */
    private static boolean restricted(String dayField) {
        return !dayField.startsWith("*") && !dayField.startsWith("?");
    }

    static ScheduleTiming every(Duration interval, Duration shortest, Instant anchor) {
        if (interval.compareTo(shortest) < 0) {
            throw new InvalidSchedule("interval", "interval must be at least " + shortest.toMinutes() + " minute(s)");
        }
        return new ScheduleTiming(null, null, ZoneId.of("UTC"), interval, anchor);
    }

    /**
     * The shortest time between two of the next 200 due times after {@code now}: a cron expression such as
     * {@code * 3 * * *} runs every minute for an hour, which its first due time alone would not show.
     */
    Duration shortestGap(Instant now) {
        if (interval != null) {
            return interval;
        }
        Duration shortest = null;
        Instant previous = nextAfter(now);
        for (int i = 0; i < 200; i++) {
            Instant next = nextAfter(previous);
            Duration gap = Duration.between(previous, next);
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next;
        }
        return shortest;
    }

    static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone);
        } catch (DateTimeException e) {
            throw new InvalidSchedule("time_zone", "time_zone '" + Printable.of(zone, 64) + "' is not a time zone (use a name such as Europe/Paris)");
        }
    }

    /** The first due time strictly after {@code now}. */
    Instant nextAfter(Instant now) {
        if (cron != null) {
            ZonedDateTime next = null;
            for (CronExpression expression : cron) {
                ZonedDateTime candidate = expression.next(now.atZone(zone));
                if (candidate != null && (next == null || candidate.isBefore(next))) {
                    next = candidate;
                }
            }
            if (next == null) {
                throw new InvalidSchedule("cron", "cron '" + cronText + "' never fires");
            }
            return next.toInstant();
        }
        if (!now.isBefore(anchor)) {
            long elapsed = Duration.between(anchor, now).toMillis();
            long periods = elapsed / interval.toMillis() + 1;
            return anchor.plusMillis(periods * interval.toMillis());
        }
        return anchor;
    }
}
