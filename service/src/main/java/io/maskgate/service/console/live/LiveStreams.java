package io.maskgate.service.console.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.Counter;
import jakarta.annotation.PreDestroy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open live pages' Server-Sent Event streams. A tick's tile updates are encoded once into one {@code tiles} event
 * (see {@link #encodeTiles}) and written to every stream as one write (one flush per console per tick), so an extra
 * open console costs a socket write, not an encoding. A stream whose write fails is dropped (the browser reconnects).
 *
 * <p>Writes happen off the feed thread, at most one at a time per stream: a servlet write to a client that stops
 * reading (a browser that fell behind, a slow link) blocks until the socket's write timeout, and on the feed thread
 * it would stop every console's updates. Tiles that arrive while a stream's write is under way wait for it, merged
 * newest per door (a tile is its whole state), so a slow console gets fewer, later updates, never a growing queue.
 */
@Component
public class LiveStreams {

    private static final MediaType UTF8_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    private static final String HEARTBEAT = ": heartbeat\n\n";
    static final String TILES_EVENT = "tiles";
    /** Its own mapper: the wire format must not change with the application's Jackson settings. */
    private static final ObjectWriter TILES_JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL).writerFor(new TypeReference<List<TileView>>() {
            });

    private final Map<SseEmitter, Stream> streams = new ConcurrentHashMap<>();
    private final Counter bytesSent;
    private volatile boolean closing;
    // at most one task per open stream: as many threads as streams blocked in a write, idle ones end after 60 s
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "maskgate-console-stream");
        t.setDaemon(true);
        return t;
    });

    public LiveStreams(MeterRegistry meters) {
        Gauge.builder("maskgate.console.streams", streams, Map::size)
                .description("open live-page event streams").register(meters);
        this.bytesSent = Counter.builder("maskgate.console.stream.bytes")
                .description("bytes written to live-page event streams").register(meters);
    }

    SseEmitter open(long timeoutMillis) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        if (closing) {
            emitter.complete(); // shutting down: the page reconnects to whatever serves next
            return emitter;
        }
        try {
            // commits the response headers now, so the browser's EventSource opens before the first tile update
            emitter.send(SseEmitter.event().comment("open").reconnectTime(2_000));
        } catch (IOException e) {
            emitter.completeWithError(e);
            return emitter;
        }
        register(emitter);
        return emitter;
    }

    /** Adds a stream whose response is open (separate from {@link #open} for tests' emitters). */
    void register(SseEmitter emitter) {
        streams.put(emitter, new Stream(emitter));
        emitter.onCompletion(() -> streams.remove(emitter));
        emitter.onTimeout(() -> streams.remove(emitter));
        emitter.onError(e -> streams.remove(emitter));
    }

    /** A comment line on every idle stream, so proxies keep it open and a dead browser is noticed. */
    void heartbeat() {
        for (Stream s : streams.values()) {
            s.offer(HEARTBEAT, null);
        }
    }

    int count() {
        return streams.size();
    }

    /** Sends tile states to one stream (a new stream's first update), merged with whatever waits for it. */
    void sendTo(SseEmitter emitter, List<TileView> tiles) {
        Stream s = streams.get(emitter);
        if (s != null && !tiles.isEmpty()) {
            StringBuilder block = new StringBuilder(tiles.size() * 400);
            encodeTiles(block, tiles);
            s.offer(block.toString(), tiles);
        }
    }

    /** Sends a tick's tile states to every open stream: encoded once, written by each stream's writer. */
    void broadcast(List<TileView> tiles) {
        if (tiles.isEmpty() || streams.isEmpty()) {
            return;
        }
        StringBuilder block = new StringBuilder(tiles.size() * 400);
        encodeTiles(block, tiles);
        String encoded = block.toString();
        for (Stream s : streams.values()) {
            s.offer(encoded, tiles);
        }
    }

    /**
     * Ends every open stream as the application context closes. An open stream is a request that never ends by
     * itself, and the web server's graceful shutdown (which runs after this event, before {@code @PreDestroy}) waits
     * for active requests: left open, the streams held every stop for the whole shutdown-phase timeout and the
     * graceful shutdown was aborted. The pages reconnect on their own (EventSource retry).
     */
    @EventListener(ContextClosedEvent.class)
    void completeAll() {
        closing = true;
        for (SseEmitter emitter : List.copyOf(streams.keySet())) {
            try {
                emitter.complete();
            } catch (RuntimeException e) {
                // already ended
            }
        }
    }

    @PreDestroy
    void close() {
        writers.shutdownNow();
    }

    /** One open stream and what waits for its writer. */
    private final class Stream {
        private final SseEmitter emitter;
        // guarded by this: tiles offered while a write was under way, newest per door, in first-offered order
        private final Map<String, TileView> waiting = new LinkedHashMap<>();
        private boolean writing;

        Stream(SseEmitter emitter) {
            this.emitter = emitter;
        }

        /**
         * Writes {@code block} now (on a writer thread) if the stream is idle; otherwise keeps {@code tiles} for the
         * next write (a heartbeat, tiles null, is dropped: a busy stream needs none).
         */
        void offer(String block, List<TileView> tiles) {
            synchronized (this) {
                if (writing) {
                    if (tiles != null) {
                        for (TileView t : tiles) {
                            waiting.remove(t.doorId()); // a newer state moves to the end, as in the feed's order
                            waiting.put(t.doorId(), t);
                        }
                    }
                    return;
                }
                writing = true;
            }
            try {
                writers.execute(() -> drain(block));
            } catch (RejectedExecutionException e) {
                drop(e); // shutting down
            }
        }

        private void drain(String first) {
            String block = first;
            while (block != null) {
                if (!write(block)) {
                    return;
                }
                List<TileView> next;
                synchronized (this) {
                    if (waiting.isEmpty()) {
                        writing = false;
                        return;
                    }
                    next = List.copyOf(waiting.values());
                    waiting.clear();
                }
                StringBuilder merged = new StringBuilder(next.size() * 400);
                encodeTiles(merged, next);
                block = merged.toString();
            }
        }

        private boolean write(String block) {
            if (!streams.containsKey(emitter)) {
                return false;
            }
            try {
                emitter.send(Raw.of(block));
                bytesSent.increment(block.getBytes(StandardCharsets.UTF_8).length);
                return true;
            } catch (IOException | IllegalStateException e) {
                drop(e);
                return false;
            }
        }

        private void drop(Exception e) {
            streams.remove(emitter);
            emitter.completeWithError(e);
        }
    }

    /**
     * The live page's one message shape: {@code event:tiles} whose data is a JSON array of {@link TileView}s (one
     * line; null fields left out). The page applies a whole array in one pass, so its work per tick is one message
     * however many tiles changed; states instead of rendered HTML keep a tile update ~4x smaller and unrendered.
     */
    static void encodeTiles(StringBuilder out, List<TileView> tiles) {
        try {
            encode(out, TILES_EVENT, TILES_JSON.writeValueAsString(tiles));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tile states are plain strings and numbers", e);
        }
    }

    /** One SSE event: every line of {@code data} gets its own "data:" line (the browser joins them with \n). */
    static void encode(StringBuilder out, String event, String data) {
        out.append("event:").append(event).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            out.append("data:").append(line).append('\n');
        }
        out.append('\n');
    }

    /** A pre-encoded block of events written as it is (SseEmitter would wrap it in one more "data:"). */
    private record Raw(String text) implements SseEmitter.SseEventBuilder {

        static Raw of(String text) {
            return new Raw(text);
        }

        @Override
        public Set<org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType>
                build() {
            return Set.of(new org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter
                    .DataWithMediaType(text, UTF8_TEXT));
        }

        @Override
        public SseEmitter.SseEventBuilder id(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder name(String eventName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder reconnectTime(long reconnectTimeMillis) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder comment(String comment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder data(Object object) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SseEmitter.SseEventBuilder data(Object object, MediaType mediaType) {
            throw new UnsupportedOperationException();
        }
    }
}
