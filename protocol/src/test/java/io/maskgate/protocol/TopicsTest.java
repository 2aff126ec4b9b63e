package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void buildsTheVersionedTree() {
        assertEquals("maskgate/v1/units/unit-7/decision", Topics.decision("unit-7"));
        assertEquals("maskgate/v1/units/unit-7/status", Topics.status("unit-7"));
        assertEquals("maskgate/v1/units/unit-7/frame", Topics.frame("unit-7"));
        assertEquals("maskgate/v1/units/unit-7/ota", Topics.ota("unit-7"));
        assertEquals("maskgate/v1/doors/door-1/command", Topics.command("door-1"));
        assertEquals("maskgate/v1/doors/door-1/ack", Topics.ack("door-1"));
        assertEquals("$share/svc/maskgate/v1/units/+/decision", Topics.shared("svc", Topics.ALL_DECISIONS));
    }

    @Test
    void parsesIdsBackOnlyFromWellFormedTopics() {
        assertEquals(Optional.of("unit-7"), Topics.unitIdOf("maskgate/v1/units/unit-7/decision"));
        assertEquals(Optional.of("door-1"), Topics.doorIdOf("maskgate/v1/doors/door-1/ack"));
        assertEquals(Optional.of("ack"), Topics.kindOf("maskgate/v1/doors/door-1/ack"));
        assertEquals(Optional.empty(), Topics.unitIdOf("maskgate/v1/doors/door-1/ack"));
        assertEquals(Optional.empty(), Topics.unitIdOf("maskgate/v1/units/unit-7/decision/extra"));
        assertEquals(Optional.empty(), Topics.unitIdOf("maskgate/v1/units//decision"));
        assertEquals(Optional.empty(), Topics.unitIdOf("maskgate/v2/units/unit-7/decision"));
        assertEquals(Optional.empty(), Topics.unitIdOf(null));
    }

    @Test
    void refusesIdsThatWouldBreakTopicLevels() {
        for (String bad : new String[]{"", "a/b", "+", "#", "unit 7", "x".repeat(65), null}) {
            assertThrows(IllegalArgumentException.class, () -> Topics.decision(bad), String.valueOf(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> Topics.shared("g", "$share/x/y"));
    }
}
