package io.maskgate.service.event;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event writer's local journal for database outages: a batch the database cannot take now is appended here and
 * fsynced before its decisions are acknowledged to the broker, and replayed into PostgreSQL in the order written once
 * the database is back, or at the next start. Segment files {@code segment-<millis>-<n>-<random>.log} hold records
 * {@code [length][CRC-32][JournalCodec batch]}. A record cut short by a crash was never acknowledged: it ends its
 * segment and is truncated when the journal is opened. How far each segment is replayed is committed by the writer
 * in PostgreSQL together with the replayed rows, so a crash during replay neither loses nor repeats a row.
 * One process per directory (a file lock while the journal holds anything). Used by the writer thread only; the
 * sizes are readable from any thread.
 */
final class EventJournal implements Closeable {

    /** Records of one segment read for replay: bytes {@code [from, to)} hold {@code items}. */
    record Chunk(String segment, long from, long to, int records, List<EventWriter.Item> items) {
    }

    private static final Logger log = LoggerFactory.getLogger(EventJournal.class);
    private static final int HEADER = 8;
    /** A new segment after this many bytes, so replayed data can be deleted while an outage goes on. */
    private static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private static final class Segment {
        final Path path;
        long readOffset;
        long size;

        Segment(Path path, long size) {
            this.path = path;
            this.size = size;
        }

        String name() {
            return path.getFileName().toString();
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private FileChannel appending;
    private FileChannel lockFile;
    private FileLock lock;
    private volatile long bytes;
    private volatile int records;
    private long corrupt;
    private final List<String> deleted = new ArrayList<>();

    private EventJournal(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens the journal in {@code dir} (created on first append): finds the segments an earlier run left, and
     * truncates a record a crash cut short.
     */
    static EventJournal open(Path dir, long maxBytes) throws IOException {
        EventJournal j = new EventJournal(dir, maxBytes);
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.getFileName().toString().startsWith("segment-")
                        && p.getFileName().toString().endsWith(".log")).sorted().toList();
            }
            if (!files.isEmpty()) {
                j.lock();
            }
            for (Path f : files) {
                long valid = j.recover(f);
                if (valid == 0) {
                    Files.delete(f);
                } else {
                    j.segments.add(new Segment(f, valid));
                }
            }
            if (j.segments.isEmpty()) {
                j.unlock();
            }
            j.recount();
        }
        return j;
    }

    /** Skips what an earlier run already replayed (segment name -> byte offset, as committed in PostgreSQL). */
    void skipReplayed(Map<String, Long> replayedTo) throws IOException {
        for (Segment s : segments) {
            Long to = replayedTo.get(s.name());
            if (to != null) {
                s.readOffset = Math.min(to, s.size);
            }
        }
        dropReplayedSegments();
        recount();
    }

    Path dir() {
        return dir;
    }

    /** True when nothing waits for replay. */
    boolean isEmpty() {
        return records == 0;
    }

    /** Bytes on disk not yet replayed. */
    long bytes() {
        return bytes;
    }

    /** Batches (records) not yet replayed. */
    int records() {
        return records;
    }

    /** Records found corrupt (CRC or framing) and set aside, not replayed. */
    long corrupt() {
        return corrupt;
    }

    /** Whether a batch of {@code payloadBytes} still fits under the bound (an empty journal takes any batch). */
    boolean hasRoom(int payloadBytes) {
        long now = bytes;
        return now == 0 || now + HEADER + payloadBytes <= maxBytes;
    }

    /** Appends one batch and forces it to disk before returning. */
    void append(byte[] payload) throws IOException {
        Segment last = segments.peekLast();
        if (appending == null || last == null || last.size >= SEGMENT_BYTES) {
            startSegment();
            last = segments.peekLast();
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        long position = last.size;
        while (buf.hasRemaining()) {
            position += appending.write(buf, position);
        }
        appending.force(false);
        last.size = position;
        bytes += HEADER + payload.length;
        records++;
    }

    /** The oldest unreplayed records, up to about {@code maxItems} items; empty when nothing waits. */
    Optional<Chunk> next(int maxItems) throws IOException {
        while (!segments.isEmpty()) {
            Segment s = segments.peekFirst();
            if (s.readOffset >= s.size) {
                if (s == segments.peekLast() && appending != null) {
                    return Optional.empty();
                }
                dropFirst();
                continue;
            }
            List<EventWriter.Item> items = new ArrayList<>();
            long at = s.readOffset;
            int n = 0;
            try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                while (at < s.size && items.size() < maxItems) {
                    byte[] payload = readRecord(ch, at, s.size);
                    List<EventWriter.Item> decoded = null;
                    String fault = "framing or CRC";
                    if (payload != null) {
                        try {
                            decoded = JournalCodec.decode(payload);
                        } catch (IOException e) {
                            fault = e.getMessage();
                        }
                    }
                    if (decoded == null) {
                        if (n > 0) {
                            break; // replay what is sound first; the fault is met again at the chunk's end
                        }
                        setAside(s, at, fault);
                        return next(maxItems);
                    }
                    items.addAll(decoded);
                    at += HEADER + payload.length;
                    n++;
                }
            }
            return Optional.of(new Chunk(s.name(), s.readOffset, at, n, items));
        }
        return Optional.empty();
    }

    /** {@code chunk} is committed in PostgreSQL: moves past it and deletes segments that are done. */
    void replayed(Chunk chunk) throws IOException {
        Segment s = segments.peekFirst();
        if (s == null || !s.name().equals(chunk.segment()) || s.readOffset != chunk.from()) {
            throw new IllegalStateException("replayed " + chunk.segment() + "@" + chunk.from() + " out of order");
        }
        s.readOffset = chunk.to();
        bytes -= chunk.to() - chunk.from();
        records -= chunk.records();
        dropReplayedSegments();
    }

    @Override
    public void close() throws IOException {
        if (appending != null) {
            appending.close();
            appending = null;
        }
        unlock();
    }

    private void startSegment() throws IOException {
        Files.createDirectories(dir);
        lock();
        if (appending != null) {
            appending.close();
        }
        String name = String.format("segment-%013d-%06d-%08x.log", System.currentTimeMillis(),
                COUNTER.incrementAndGet() % 1_000_000, ThreadLocalRandom.current().nextInt());
        Path path = dir.resolve(name);
        appending = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        segments.add(new Segment(path, 0));
        forceDirectory();
    }

    /** Deletes fully replayed segments from the front; the journal's lock goes once it holds nothing. */
    private void dropReplayedSegments() throws IOException {
        while (!segments.isEmpty() && segments.peekFirst().readOffset >= segments.peekFirst().size) {
            dropFirst();
        }
        if (segments.isEmpty()) {
            unlock();
        }
    }

    private void dropFirst() throws IOException {
        Segment s = segments.pollFirst();
        if (s == null) {
            return;
        }
        if (segments.isEmpty() && appending != null) {
            appending.close();
            appending = null;
        }
        Files.deleteIfExists(s.path);
        deleted.add(s.name());
    }

    /** Names of the segments deleted (fully replayed) since the last call, to forget their progress rows. */
    List<String> takeDeleted() {
        List<String> names = List.copyOf(deleted);
        deleted.clear();
        return names;
    }

    /** Renames the rest of a corrupt segment's file aside for an operator and moves on (counted, logged). */
    private void setAside(Segment s, long at, String why) throws IOException {
        corrupt++;
        Path aside = s.path.resolveSibling(s.name() + ".corrupt-at-" + at);
        log.error("event journal {} is corrupt at byte {} ({}): its remaining {} bytes are not replayed, kept as {}",
                s.name(), at, why, s.size - at, aside.getFileName());
        if (s == segments.peekLast() && appending != null) {
            appending.close();
            appending = null;
        }
        segments.remove(s);
        Files.move(s.path, aside, StandardCopyOption.REPLACE_EXISTING);
        recount();
    }

    /** The bytes of the record at {@code at}, or null when it is not a whole record with a matching CRC. */
    private static byte[] readRecord(FileChannel ch, long at, long end) throws IOException {
        if (end - at < HEADER) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(ch, header, at);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length < 0 || length > end - at - HEADER) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, at + HEADER);
        CRC32 check = new CRC32();
        check.update(body.array());
        return (int) check.getValue() == crc ? body.array() : null;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
        long position = at;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position);
            if (n < 0) {
                throw new IOException("unexpected end of journal file");
            }
            position += n;
        }
    }

    /** The length of the valid prefix of {@code file}; truncates a torn last record. */
    private long recover(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long at = 0;
            while (at < size) {
                byte[] payload = readRecord(ch, at, size);
                if (payload == null) {
                    break;
                }
                at += HEADER + payload.length;
            }
            if (at < size) {
                log.warn("event journal {}: truncating {} bytes of a record cut short at byte {} (never "
                        + "acknowledged)", file.getFileName(), size - at, at);
                ch.truncate(at);
                ch.force(true);
            }
            return at;
        }
    }

    private void recount() throws IOException {
        long b = 0;
        int n = 0;
        for (Segment s : segments) {
            b += s.size - s.readOffset;
            if (s.readOffset < s.size) {
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                    for (long at = s.readOffset; at < s.size; n++) {
                        ByteBuffer header = ByteBuffer.allocate(HEADER);
                        readFully(ch, header, at);
                        at += HEADER + header.getInt(0);
                    }
                }
            }
        }
        bytes = b;
        records = n;
    }

    private void lock() throws IOException {
        if (lock != null) {
            return;
        }
        Files.createDirectories(dir);
        lockFile = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockFile.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held in this JVM by another journal on the same directory
        }
        if (lock == null) {
            lockFile.close();
            lockFile = null;
            throw new IOException("event journal " + dir + " is in use by another process: give each service "
                    + "process its own maskgate.events.journal.dir (or MQTT client id)");
        }
    }

    private void unlock() throws IOException {
        if (lock != null) {
            lock.release();
            lock = null;
        }
        if (lockFile != null) {
            lockFile.close();
            lockFile = null;
        }
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened; the segment's own force still holds its data
        }
    }
}
