package io.nubicustos.support.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A trace that crosses the database. Postgres is the truth and Kafka only wakes services up (ADR 7), so the trace a REST
 * request or a Kafka record began is kept on the scan row as a W3C {@code traceparent} and continued from there by whoever
 * works on the scan next — the relay publishing its wake-ups, the worker running a step, the processor reading a report —
 * so one trace id follows a scan through every service and every log line about it.
 */
public final class StoredTraces {

    /** W3C Trace Context, version 00: what is stored and what is accepted back; anything else starts a new trace. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    public static final String HEADER = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    public StoredTraces(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The service's tracer and propagator when tracing is on, else {@link #none()}. */
    public static StoredTraces of(org.springframework.beans.factory.ObjectProvider<Tracer> tracer,
                                  org.springframework.beans.factory.ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfAvailable();
        Propagator p = propagator.getIfAvailable();
        return t == null || p == null ? none() : new StoredTraces(t, p);
    }

    /** For services and tests without tracing: nothing is stored and nothing is continued. */
    public static StoredTraces none() {
        return new StoredTraces(Tracer.NOOP, Propagator.NOOP);
    }

    /** The current span's context as a W3C {@code traceparent}, to store beside what the work wrote; null without one. */
    public @Nullable String current() {
        TraceContext context = tracer.currentTraceContext().context();
        if (context == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(context, carrier, Map::put);
        return valid(carrier.get(HEADER));
    }

    /** A stored value if it is a well-formed {@code traceparent}, else null (a row written by hand, a planted header). */
    public static @Nullable String valid(@Nullable String traceparent) {
        return traceparent != null && TRACEPARENT.matcher(traceparent).matches() ? traceparent : null;
    }

    /**
     * A span named {@code name}, child of the stored trace (a new trace when none was stored), current on this thread until
     * the returned scope is closed; the log lines written meanwhile carry its trace id.
     */
    public Continued continueFrom(@Nullable String traceparent, String name) {
        String stored = valid(traceparent);
        Span span = stored == null ? tracer.nextSpan().name(name).start()
                : propagator.extract(Map.of(HEADER, stored), Map::get).name(name).start();
        return new Continued(span, tracer.withSpan(span));
    }

    /** The continued span and its scope: closing ends both. */
    public static final class Continued implements AutoCloseable {
        private final Span span;
        private final Tracer.SpanInScope scope;

        private Continued(Span span, Tracer.SpanInScope scope) {
            this.span = span;
            this.scope = scope;
        }

        public String traceId() {
            return span.context().traceId();
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }
}
