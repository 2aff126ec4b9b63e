package io.maskgate.service.console.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
