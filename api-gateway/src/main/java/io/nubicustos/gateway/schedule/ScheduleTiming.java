package io.nubicustos.gateway.schedule;

import io.nubicustos.gateway.web.Printable;
import org.springframework.scheduling.support.CronExpression;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a schedule fires: a cron expression in a time zone, or a fixed interval from an anchor. Only the
 * next due time after "now" is ever computed, so after downtime a schedule fires once for all the slots it
 * missed, not once per slot.
 *
 * <p>Cron expressions have the usual five fields (minute, hour, day of month, month, day of week) or are
 * one of Spring's macros ({@code @hourly}, {@code @daily}, …); a seconds field is refused, so no schedule
 * fires more than once a minute.
 */
record ScheduleTiming(CronExpression cron, String cronText, ZoneId zone, Duration interval, Instant anchor) {

    static ScheduleTiming cron(String expression, String zone) {
        String text = expression == null ? "" : expression.trim();
        String[] fields = text.split("\\s+");
        if (!text.startsWith("@") && fields.length != 5) {
            throw new InvalidSchedule("cron", "cron must have five fields (minute hour day-of-month month day-of-week) or be a macro"
                    + " such as @hourly; got " + fields.length + " field(s)");
        }
        CronExpression parsed;
        try {
            parsed = CronExpression.parse(text.startsWith("@") ? text : "0 " + text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSchedule("cron", "cron '" + Printable.of(text, 100) + "' is not valid: " + e.getMessage());
        }
        return new ScheduleTiming(parsed, text, zone(zone), null, null);
    }

    static ScheduleTiming every(Duration interval, Duration shortest, Instant anchor) {
        if (interval.compareTo(shortest) < 0) {
            throw new InvalidSchedule("interval", "interval must be at least " + shortest.toMinutes() + " minute(s)");
        }
        return new ScheduleTiming(null, null, ZoneId.of("UTC"), interval, anchor);
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
            ZonedDateTime next = cron.next(now.atZone(zone));
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
