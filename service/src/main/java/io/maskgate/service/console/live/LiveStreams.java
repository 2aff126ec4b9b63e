package io.maskgate.service.console.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open live pages' Server-Sent Event streams. A tick's tile updates are encoded once into one {@code tiles} event
 * (see {@link #encodeTiles}) and written to every stream as one write (one flush per console per tick), so an extra
 * open console costs a socket write, not an encoding. A stream whose write fails is dropped (the browser reconnects).
 */
@Component
public class LiveStreams {

    private static final MediaType UTF8_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    static final String TILES_EVENT = "tiles";
    /** Its own mapper: the wire format must not change with the application's Jackson settings. */
    private static final ObjectWriter TILES_JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL).writerFor(new TypeReference<List<TileView>>() {
            });

    private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();
    private final Counter bytesSent;

    public LiveStreams(MeterRegistry meters) {
        Gauge.builder("maskgate.console.streams", emitters, Set::size)
                .description("open live-page event streams").register(meters);
        this.bytesSent = Counter.builder("maskgate.console.stream.bytes")
                .description("bytes written to live-page event streams").register(meters);
    }

    SseEmitter open(long timeoutMillis) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        try {
            // commits the response headers now, so the browser's EventSource opens before the first tile update
            emitter.send(SseEmitter.event().comment("open").reconnectTime(2_000));
        } catch (IOException e) {
            emitters.remove(emitter);
            emitter.completeWithError(e);
        }
        return emitter;
    }

    /** A comment line on every stream, so proxies keep it open and a dead browser is noticed. */
    void heartbeat() {
        broadcast(": heartbeat\n\n");
    }

    int count() {
        return emitters.size();
    }

    /** Sends an already encoded block of SSE events to one stream. */
    void sendTo(SseEmitter emitter, String block) {
        if (block.isEmpty() || !emitters.contains(emitter)) {
            return;
        }
        try {
            emitter.send(Raw.of(block));
            bytesSent.increment(block.getBytes(StandardCharsets.UTF_8).length);
        } catch (IOException | IllegalStateException e) {
            emitters.remove(emitter);
            emitter.completeWithError(e);
        }
    }

    /** Sends an already encoded block of SSE events (see {@link #encode}) to every open stream. */
    void broadcast(String block) {
        if (block.isEmpty()) {
            return;
        }
        byte[] bytes = block.getBytes(StandardCharsets.UTF_8);
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(Raw.of(block));
                bytesSent.increment(bytes.length);
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
                emitter.completeWithError(e);
            }
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
