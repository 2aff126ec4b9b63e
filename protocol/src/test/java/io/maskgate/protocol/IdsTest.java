package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void loopChecksAgreeWithTheDocumentedPatterns() {
        Random random = new Random(7);
        // characters around every boundary of both rules, plus non-ASCII
        String alphabet = "azAZ09_-/+# \t\n\u001f\u007f\u0080~!.:é\u0000@[`{";
        int ids = 0;
        int labels = 0;
        for (int n = 0; n < 50_000; n++) {
            int len = random.nextInt(70);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < len; i++) {
                sb.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String s = sb.toString();
            boolean id = Ids.ID.matcher(s).matches();
            boolean label = Ids.LABEL.matcher(s).matches();
            assertEquals(id, Ids.isValid(s), () -> "id rule disagrees on \"" + s + '"');
            assertEquals(label, Ids.isLabel(s), () -> "label rule disagrees on \"" + s + '"');
            ids += id ? 1 : 0;
            labels += label ? 1 : 0;
        }
        // both outcomes occurred for both rules, so the comparison covered accept and reject
        assertTrue(ids > 100 && ids < 49_900, "valid ids: " + ids);
        assertTrue(labels > 100 && labels < 49_900, "valid labels: " + labels);
    }

    @Test
    void edges() {
        assertFalse(Ids.isValid(null));
        assertFalse(Ids.isValid(""));
        assertTrue(Ids.isValid("a".repeat(64)));
        assertFalse(Ids.isValid("a".repeat(65)));
        assertFalse(Ids.isValid("door/1"));
        assertTrue(Ids.isLabel("v1.2 (beta)"));
        assertFalse(Ids.isLabel("x\n"));
    }

    @Test
    void quoteShowsEveryControlCharacterAsAnEscapeSoRejectDetailsAreSafeToStore() {
        String hostile = "x\u0000y\u0001\u001f\u007f\u0085\t\r\n\\z";
        String quoted = Ids.quote(hostile);
        for (char c : quoted.toCharArray()) {
            assertFalse(Character.isISOControl(c), () -> "control character U+" + Integer.toHexString(c)
                    + " left in " + quoted);
        }
        assertEquals("\"x\\u0000y\\u0001\\u001f\\u007f\\u0085\\t\\r\\n\\\\z\"", quoted);
        assertEquals("\"plain\"", Ids.quote("plain"));
    }
}
