package io.maskgate.service.event;

import io.maskgate.service.command.CommandStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's binary form of a batch of writer items: a count, then per item a tag and its fields in record order,
 * each nullable field behind a presence flag. Exact (instants to the nanosecond, every field kept), so a replayed
 * row equals the row the writer would have written directly.
 */
final class JournalCodec {

    private static final byte EVENT = 1;
    private static final byte COMMAND = 2;

    private JournalCodec() {
    }

    static byte[] encode(List<? extends EventWriter.Item> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * items.size() + 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(items.size());
            for (EventWriter.Item item : items) {
                if (item instanceof EventRecord e) {
                    out.writeByte(EVENT);
                    writeEvent(out, e);
                } else if (item instanceof CommandRecord c) {
                    out.writeByte(COMMAND);
                    writeCommand(out, c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The items of one encoded batch; an IOException when the bytes are not one (a corrupt journal). */
    static List<EventWriter.Item> decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int n = in.readInt();
        if (n < 0 || n > payload.length) {
            throw new IOException("implausible item count " + n);
        }
        List<EventWriter.Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte tag = in.readByte();
            items.add(switch (tag) {
                case EVENT -> readEvent(in);
                case COMMAND -> readCommand(in);
                default -> throw new IOException("unknown item tag " + tag);
            });
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes after the last item");
        }
        return items;
    }

    private static void writeEvent(DataOutputStream out, EventRecord e) throws IOException {
        writeInstant(out, e.occurredAt());
        out.writeByte(e.kind().ordinal());
        writeString(out, e.outcome());
        writeString(out, e.reason());
        writeString(out, e.unitId());
        writeString(out, e.doorId());
        writeLong(out, e.seq());
        writeString(out, e.label());
        out.writeBoolean(e.score() != null);
        if (e.score() != null) {
            out.writeInt(e.score());
        }
        writeInstant(out, e.capturedAt());
        writeString(out, e.commandId());
        writeString(out, e.actor());
        writeString(out, e.detail());
        out.writeBoolean(e.idempotent());
        writeString(out, e.modelVersion());
    }

    private static EventRecord readEvent(DataInputStream in) throws IOException {
        Instant occurredAt = readInstant(in);
        EventKind kind = enumAt(EventKind.values(), in.readByte());
        String outcome = readString(in);
        String reason = readString(in);
        String unitId = readString(in);
        String doorId = readString(in);
        Long seq = readLong(in);
        String label = readString(in);
        Integer score = in.readBoolean() ? in.readInt() : null;
        Instant capturedAt = readInstant(in);
        String commandId = readString(in);
        String actor = readString(in);
        String detail = readString(in);
        boolean idempotent = in.readBoolean();
        String modelVersion = readString(in);
        return new EventRecord(occurredAt, kind, outcome, reason, unitId, doorId, seq, label, score, capturedAt,
                commandId, actor, detail, idempotent, modelVersion);
    }

    private static void writeCommand(DataOutputStream out, CommandRecord c) throws IOException {
        writeString(out, c.commandId());
        writeString(out, c.doorId());
        writeString(out, c.action());
        out.writeLong(c.durationMs());
        writeInstant(out, c.issuedAt());
        writeInstant(out, c.expiresAt());
        out.writeInt(c.attempts());
        out.writeByte(c.status().ordinal());
        writeString(out, c.origin());
        writeString(out, c.unitId());
        writeLong(out, c.seq());
        writeString(out, c.actor());
        writeString(out, c.ackReason());
        writeInstant(out, c.ackedAt());
    }

    private static CommandRecord readCommand(DataInputStream in) throws IOException {
        String commandId = readString(in);
        String doorId = readString(in);
        String action = readString(in);
        long durationMs = in.readLong();
        Instant issuedAt = readInstant(in);
        Instant expiresAt = readInstant(in);
        int attempts = in.readInt();
        CommandStatus status = enumAt(CommandStatus.values(), in.readByte());
        return new CommandRecord(commandId, doorId, action, durationMs, issuedAt, expiresAt, attempts, status,
                readString(in), readString(in), readLong(in), readString(in), readString(in), readInstant(in));
    }

    private static <E> E enumAt(E[] values, int ordinal) throws IOException {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new IOException("no constant " + ordinal + " of " + values.getClass().getComponentType());
        }
        return values[ordinal];
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > in.available()) {
            throw new IOException("implausible string length " + n);
        }
        return n == -1 ? null : new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeLong(DataOutputStream out, Long v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    private static Long readLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }
}
