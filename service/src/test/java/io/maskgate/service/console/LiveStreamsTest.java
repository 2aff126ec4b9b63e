package io.maskgate.service.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.service.it.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The live page's wire format: one {@code tiles} event per tick, whose data is one line of JSON tile states. */
class LiveStreamsTest {

    static final String HOSTILE = "<img src=x onerror=\"alert(1)\">\nevent: tile-x\ndata: <b>\r\n";

    @Test
    void aTickIsOneTilesEventOfOneJsonLineWhateverTheStringsHold() throws Exception {
        TileView seen = new TileView("d1", HOSTILE, "ENFORCE", "UNLOCKED", "Unlocked, confirmed by the actuator",
                "MASK", 912, "u1", "2026-12-01T09:00:00.123Z", "GRANTED", 1, 2, 3, 4,
                List.of("1 of 2 units offline", HOSTILE));
        TileView fresh = new TileView("d2", "Side door", "OPEN", "OPEN", "Open", null, null, null, null, null, 0, 0,
                0, 0, List.of());
        StringBuilder block = new StringBuilder();
        LiveStreams.encodeTiles(block, List.of(seen, fresh));

        String[] lines = block.toString().split("\n", -1);
        assertThat(lines).as(block.toString()).hasSize(4);
        assertThat(lines[0]).isEqualTo("event:tiles");
        assertThat(lines[1]).startsWith("data:[");
        assertThat(lines[2]).isEmpty(); // end of the event
        assertThat(lines[3]).isEmpty();

        JsonNode tiles = new ObjectMapper().readTree(lines[1].substring("data:".length()));
        assertThat(tiles).hasSize(2);
        JsonNode first = tiles.get(0);
        assertThat(first.get("name").asText()).isEqualTo(HOSTILE);
        assertThat(first.get("flags").get(1).asText()).isEqualTo(HOSTILE);
        assertThat(first.get("lastScore").asInt()).isEqualTo(912);
        assertThat(first.get("lastAt").asText()).isEqualTo("2026-12-01T09:00:00.123Z");
        assertThat(first.get("unitsOnline").asInt()).isEqualTo(1);
        assertThat(first.get("unitsTotal").asInt()).isEqualTo(2);
        assertThat(first.get("unlocksHour").asInt()).isEqualTo(3);
        assertThat(first.get("refusalsHour").asInt()).isEqualTo(4);
        assertThat(first.has("flagged")).as("derived, not sent").isFalse();
        JsonNode second = tiles.get(1);
        assertThat(second.has("lastAt")).as("null fields are left out").isFalse();
        assertThat(second.has("lastScore")).isFalse();
        assertThat(second.get("flags")).isEmpty();
        // the record's fields, nothing else (the page's script reads these names)
        assertThat(first.fieldNames()).toIterable().containsExactlyInAnyOrder("doorId", "name", "mode", "lock",
                "lockText", "lastLabel", "lastScore", "lastUnit", "lastAt", "lastVerdict", "unitsOnline",
                "unitsTotal", "unlocksHour", "refusalsHour", "flags");
    }

    @Test
    void aStreamThatStopsReadingHoldsUpNeitherTheFeedNorOtherStreamsAndThenGetsOnlyTheNewestStates() throws Exception {
        LiveStreams streams = new LiveStreams(new SimpleMeterRegistry());
        RecordingEmitter slow = new RecordingEmitter(new CountDownLatch(1));
        RecordingEmitter fast = new RecordingEmitter(null);
        try {
            streams.register(slow);
            streams.register(fast);
            // a servlet write to a client that does not read blocks: the feed's calls must return all the same
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                streams.broadcast(List.of(tile("d1", 1), tile("d2", 1)));
                assertThat(slow.entered.await(10, TimeUnit.SECONDS)).as("the slow stream's write started").isTrue();
                streams.broadcast(List.of(tile("d1", 2)));
                streams.broadcast(List.of(tile("d2", 2)));
                streams.broadcast(List.of(tile("d1", 3)));
                streams.heartbeat();
            });
            Await.until("the other stream gets the newest states", Duration.ofSeconds(10),
                    () -> newest(fast.writes).equals(java.util.Map.of("d1", 3, "d2", 2)));
            assertThat(slow.writes).as("still blocked in its first write").isEmpty();

            slow.gate.countDown();
            Await.until("the slow stream's backlog written", Duration.ofSeconds(10), () -> slow.writes.size() == 2);
            assertThat(states(slow.writes.get(0))).containsExactly("d1=1", "d2=1");
            assertThat(states(slow.writes.get(1))).as("one write of the newest state per door")
                    .containsExactly("d2=2", "d1=3");
            assertThat(streams.count()).isEqualTo(2);
        } finally {
            slow.gate.countDown();
            streams.close();
        }
    }

    static TileView tile(String door, int version) {
        return new TileView(door, "Door " + door, "ENFORCE", "LOCKED", "Locked", null, null, null, null, null, 1, 1, 0,
                version, List.of());
    }

    /** The last state (refusalsHour) written per door, over a stream's writes (heartbeats skipped). */
    static java.util.Map<String, Integer> newest(List<String> writes) {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        for (String w : writes) {
            if (!w.startsWith(":")) {
                try {
                    states(w).forEach(st -> out.put(st.split("=")[0], Integer.parseInt(st.split("=")[1])));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** "door=refusalsHour" of each tile in one written {@code tiles} event. */
    static List<String> states(String block) throws Exception {
        assertThat(block).startsWith("event:tiles\ndata:");
        String json = block.substring("event:tiles\ndata:".length(), block.indexOf('\n', "event:tiles\n".length()));
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode t : new ObjectMapper().readTree(json)) {
            out.add(t.get("doorId").asText() + "=" + t.get("refusalsHour").asInt());
        }
        return out;
    }

    /** An open stream that records what is written to it; with a gate, its writes block until the gate opens. */
    static final class RecordingEmitter extends SseEmitter {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);

        RecordingEmitter(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void send(SseEventBuilder builder) {
            entered.countDown();
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            StringBuilder text = new StringBuilder();
            for (ResponseBodyEmitter.DataWithMediaType d : builder.build()) {
                text.append(d.getData());
            }
            writes.add(text.toString());
        }
    }
}
