package io.maskgate.service.unit;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Ids;
import io.maskgate.protocol.Signer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Wire format of the replica sequence sync ({@link ReplicaSequenceSync}), kept apart so it can be tested without
 * a broker. UTF-8 lines: {@code base64(HMAC-SHA256(body))}, then the body: {@code v1}, the sending replica's id,
 * its clock in epoch ms, and one {@code unitId seq} line per pair, each line ending in a newline.
 */
final class SequenceSyncCodec {

    static final int MAX_PAYLOAD = 64 * 1024;

    /** One accepted decision of one unit. */
    record Pair(String unitId, long seq) {
    }

    /** A verified message. */
    record Message(String replicaId, long sentAtMillis, List<Pair> pairs) {
    }

    private final HmacKey key;

    SequenceSyncCodec(HmacKey key) {
        this.key = key;
    }

    byte[] encode(String replicaId, long sentAtMillis, List<Pair> pairs) {
        StringBuilder body = new StringBuilder("v1\n").append(replicaId).append('\n').append(sentAtMillis).append('\n');
        for (Pair p : pairs) {
            body.append(p.unitId()).append(' ').append(p.seq()).append('\n');
        }
        byte[] bodyBytes = body.toString().getBytes(StandardCharsets.UTF_8);
        String sig = Base64.getEncoder().encodeToString(hmac(bodyBytes));
        return (sig + '\n' + body).getBytes(StandardCharsets.UTF_8);
    }

    /** The verified message; IllegalArgumentException naming what is wrong otherwise. */
    Message decode(byte[] payload) {
        if (payload == null || payload.length == 0 || payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("size " + (payload == null ? 0 : payload.length) + " bytes");
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        if (nl <= 0) {
            throw new IllegalArgumentException("no signature line");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(text.substring(0, nl));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("signature is not base64");
        }
        String body = text.substring(nl + 1);
        if (!MessageDigest.isEqual(claimed, hmac(body.getBytes(StandardCharsets.UTF_8)))) {
            throw new IllegalArgumentException("bad signature");
        }
        String[] lines = body.split("\n", -1);
        if (lines.length < 4 || !"v1".equals(lines[0]) || !lines[lines.length - 1].isEmpty()) {
            throw new IllegalArgumentException("bad header or framing");
        }
        long sentAt;
        try {
            sentAt = Long.parseLong(lines[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad timestamp");
        }
        List<Pair> pairs = new ArrayList<>(lines.length - 4);
        for (int i = 3; i < lines.length - 1; i++) {
            String line = lines[i];
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                throw new IllegalArgumentException("bad pair on line " + i);
            }
            String unit = line.substring(0, sp);
            long seq;
            try {
                seq = Long.parseLong(line.substring(sp + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad seq on line " + i);
            }
            if (!Ids.isValid(unit) || seq < 1) {
                throw new IllegalArgumentException("bad pair on line " + i);
            }
            pairs.add(new Pair(unit, seq));
        }
        return new Message(lines[1], sentAt, pairs);
    }

    private byte[] hmac(byte[] data) {
        return Signer.hmac(key, data);
    }
}
