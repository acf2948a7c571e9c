package io.nubicustos.worker.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.io.IOException;

/**
 * The moment a managed container exits, from the engine's event stream ({@code die}, with its exit code, and
 * {@code oom} before it). {@code docker wait} answers only once the engine has cleaned the container up (its
 * network endpoint released, its file system unmounted): under load that came 50 to 250 ms after the
 * {@code die} event, and the step's slot and its row waited for it. The wait stays the authority (it survives
 * engine restarts and sees every exit); this is the fast path, and anything it misses (a stream being
 * reconnected) is still seen by the wait.
 *
 * <p>One subscription on a thread of its own, filtered on the managed label; when the stream ends (the engine
 * restarted) it is opened again from the last event seen, so that nothing in between is lost.
 */
@Component
public class ContainerExits {

    private static final Logger log = LoggerFactory.getLogger(ContainerExits.class);
    /** Exits kept for containers nobody expects yet (one that exits before its runner asks is not missed). */
    private static final int RECENT = 1024;

    /** How a container ended, as the {@code die} event says. */
    public record Exit(int exitCode, boolean oomKilled) {
    }

    private final DockerEngine engine;
    private final Map<String, CompletableFuture<Exit>> expected = new ConcurrentHashMap<>();
    private final Set<String> outOfMemory = ConcurrentHashMap.newKeySet();
    private final Map<String, Exit> recent = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Exit> eldest) {
            return size() > RECENT;
        }
    };
    private final Thread thread = new Thread(this::follow, "container-events");
    private volatile boolean stopped;
    private volatile ResultCallback.Adapter<Event> subscription;
    private volatile long lastEventNanos;

    private final Map<String, String> labels;

    ContainerExits(DockerEngine engine, ContainerRunner containers) {
        this.labels = containers.ownLabels();
        this.engine = engine;
        thread.setDaemon(true);
    }

    @PostConstruct
    void start() {
        thread.start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped = true;
        closeSubscription();
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(2));
    }

    /** Completes when the container exits (at once if it already did); {@link #forget} it when no longer waited for. */
    public CompletableFuture<Exit> expect(String containerId) {
        CompletableFuture<Exit> exit = expected.computeIfAbsent(containerId, id -> new CompletableFuture<>());
        Exit seen;
        synchronized (recent) {
            seen = recent.get(containerId);
        }
        if (seen != null) {
            exit.complete(seen);
        }
        return exit;
    }

    public void forget(String containerId) {
        expected.remove(containerId);
    }

    private void follow() {
        while (!stopped) {
            try {
                if (engine.isReachable()) {
                    subscribe();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.debug("The engine's event stream ended ({}); opening it again", e.toString());
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void subscribe() throws InterruptedException {
        long since = lastEventNanos == 0 ? System.currentTimeMillis() * 1_000_000L : lastEventNanos;
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                seen(event);
            }
        };
        subscription = callback;
        engine.client().eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("die", "oom")
                .withLabelFilter(labels)
                .withSince(since / 1_000_000_000L + "." + String.format("%09d", since % 1_000_000_000L))
                .exec(callback);
        if (stopped) {
            closeSubscription();
        }
        callback.awaitCompletion();
    }

    private void seen(Event event) {
        String id = event.getId() != null ? event.getId() : event.getActor() == null ? null : event.getActor().getId();
        if (id == null) {
            return;
        }
        if (event.getTimeNano() != null) {
            lastEventNanos = Math.max(lastEventNanos, event.getTimeNano());
        }
        if ("oom".equals(event.getAction()) || "oom".equals(event.getStatus())) {
            if (outOfMemory.size() >= RECENT) {
                outOfMemory.clear(); // why: bounded; an oom whose die never came (another engine's event) is forgotten
            }
            outOfMemory.add(id);
            return;
        }
        Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
                ? Map.of() : event.getActor().getAttributes();
        Integer code = exitCode(attributes.get("exitCode"));
        if (code == null) {
            return; // why: without its exit code the event says too little; the wait will tell
        }
        Exit exit = new Exit(code, outOfMemory.remove(id));
        synchronized (recent) {
            recent.put(id, exit);
        }
        CompletableFuture<Exit> waiting = expected.get(id);
        if (waiting != null) {
            waiting.complete(exit);
        }
    }

    private static Integer exitCode(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void closeSubscription() {
        ResultCallback.Adapter<Event> current = subscription;
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException ignored) {
                // why: a stream that is already gone needs no closing
            }
        }
    }
}
