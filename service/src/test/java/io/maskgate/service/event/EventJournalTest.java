package io.maskgate.service.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.service.command.CommandStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outage journal: exact round trip, order, replay offsets, torn and corrupt records, the bound, the lock. */
class EventJournalTest {

    @TempDir
    Path dir;

    static EventRecord decision(String unit, long seq) {
        return new EventRecord(Instant.ofEpochSecond(1_800_000_000L, 123_456_789), EventKind.DECISION, "ACCEPTED",
                null, unit, "door-é", seq, "MASK", 912, Instant.ofEpochMilli(1_799_999_999_500L), null, null,
                "détail ✓", true, "v2");
    }

    static CommandRecord command(String id) {
        return new CommandRecord(id, "door-1", "UNLOCK", 3_000, Instant.ofEpochMilli(5), Instant.ofEpochMilli(5_005),
                2, CommandStatus.RESENT, "DECISION", "unit-1", 7L, null, null, null);
    }

    static List<EventWriter.Item> batch(String unit, long fromSeq, int n) {
        List<EventWriter.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(decision(unit, fromSeq + i));
        }
        items.add(command("cmd-" + unit + "-" + fromSeq));
        items.add(EventRecord.of(Instant.EPOCH, EventKind.ALERT, "NO_ACK", "X", null, null, null, null, null, null));
        return items;
    }

    @Test
    void everyFieldSurvivesTheCodecIncludingNullsAndUnicode() throws IOException {
        List<EventWriter.Item> items = batch("unit-ü", 41, 3);
        assertThat(JournalCodec.decode(JournalCodec.encode(items))).isEqualTo(items);
    }

    @Test
    void aTruncatedOrAlteredPayloadIsRefusedByTheCodec() {
        byte[] bytes = JournalCodec.encode(batch("u", 1, 2));
        assertThatThrownBy(() -> JournalCodec.decode(java.util.Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IOException.class);
        byte[] tagged = bytes.clone();
        tagged[4] = 9; // the first item's tag
        assertThatThrownBy(() -> JournalCodec.decode(tagged)).isInstanceOf(IOException.class);
    }

    @Test
    void batchesComeBackInOrderAcrossARestartAndReplayedSegmentsAreDeleted() throws IOException {
        EventJournal j = EventJournal.open(dir, 1 << 20);
        assertThat(j.isEmpty()).isTrue();
        j.append(JournalCodec.encode(batch("a", 1, 2)));
        j.append(JournalCodec.encode(batch("a", 3, 2)));
        assertThat(j.records()).isEqualTo(2);
        assertThat(j.isEmpty()).isFalse();
        j.close();

        EventJournal again = EventJournal.open(dir, 1 << 20);
        assertThat(again.records()).isEqualTo(2);
        EventJournal.Chunk chunk = again.next(1_000).orElseThrow();
        List<EventWriter.Item> expected = new ArrayList<>(batch("a", 1, 2));
        expected.addAll(batch("a", 3, 2));
        assertThat(chunk.items()).isEqualTo(expected);
        assertThat(chunk.records()).isEqualTo(2);
        again.replayed(chunk);
        assertThat(again.isEmpty()).isTrue();
        assertThat(again.bytes()).isZero();
        assertThat(again.takeDeleted()).containsExactly(chunk.segment());
        assertThat(segments()).isEmpty();
        again.close();
    }

    @Test
    void aChunkStopsAtTheItemLimitAndTheNextStartsWhereItEnded() throws IOException {
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                j.append(JournalCodec.encode(batch("b", 10L * i, 3))); // 5 items each
            }
            EventJournal.Chunk first = j.next(8).orElseThrow();
            assertThat(first.records()).isEqualTo(2); // stops once 8 are reached: 10 items
            j.replayed(first);
            EventJournal.Chunk second = j.next(1_000).orElseThrow();
            assertThat(second.from()).isEqualTo(first.to());
            assertThat(second.records()).isEqualTo(3);
            assertThat(((EventRecord) second.items().get(0)).seq()).isEqualTo(20L);
        }
    }

    @Test
    void offsetsCommittedByAnEarlierRunAreSkipped() throws IOException {
        String segment;
        long afterFirst;
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.append(JournalCodec.encode(batch("c", 1, 1)));
            j.append(JournalCodec.encode(batch("c", 2, 1)));
            EventJournal.Chunk one = j.next(1).orElseThrow();
            segment = one.segment();
            afterFirst = one.to();
        }
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.skipReplayed(Map.of(segment, afterFirst));
            assertThat(j.records()).isEqualTo(1);
            assertThat(((EventRecord) j.next(1_000).orElseThrow().items().get(0)).seq()).isEqualTo(2L);
        }
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.skipReplayed(Map.of(segment, Files.size(segments().get(0))));
            assertThat(j.isEmpty()).isTrue();
            assertThat(segments()).isEmpty();
        }
    }

    @Test
    void aRecordCutShortByACrashIsTruncatedAndTheWholeOnesKept() throws IOException {
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.append(JournalCodec.encode(batch("d", 1, 2)));
            j.append(JournalCodec.encode(batch("d", 3, 2)));
        }
        Path file = segments().get(0);
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size - 5);
        }
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            assertThat(j.records()).isEqualTo(1);
            assertThat(j.next(1_000).orElseThrow().items()).isEqualTo(batch("d", 1, 2));
        }
        assertThat(Files.size(file)).isLessThan(size - 5);
    }

    @Test
    void aCorruptRecordInTheMiddleIsSetAsideCountedAndNotReplayed() throws IOException {
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.append(JournalCodec.encode(batch("e", 1, 2)));
            Path file = segments().get(0);
            long firstEnd = Files.size(file);
            j.append(JournalCodec.encode(batch("e", 3, 2)));
            j.append(JournalCodec.encode(batch("e", 5, 2)));
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(firstEnd + 20); // inside the second record's payload: its CRC no longer matches
                f.write(0x55 ^ f.readByte());
            }
            EventJournal.Chunk chunk = j.next(1_000).orElseThrow();
            assertThat(chunk.items()).isEqualTo(batch("e", 1, 2));
            j.replayed(chunk);
            assertThat(j.next(1_000)).isEmpty();
            assertThat(j.corrupt()).isEqualTo(1);
            assertThat(j.isEmpty()).isTrue();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.contains(".corrupt-at-"));
        }
    }

    @Test
    void theBoundRefusesMoreOnceReachedButAnEmptyJournalTakesAnyBatch() throws IOException {
        byte[] payload = JournalCodec.encode(batch("f", 1, 10));
        try (EventJournal j = EventJournal.open(dir, payload.length * 2L + 20)) {
            assertThat(j.hasRoom(payload.length * 5)).isTrue();
            j.append(payload);
            assertThat(j.hasRoom(payload.length)).isTrue();
            j.append(payload);
            assertThat(j.hasRoom(payload.length)).isFalse();
            j.replayed(j.next(1).orElseThrow());
            assertThat(j.hasRoom(payload.length)).isTrue();
        }
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefusedWhileTheFirstHoldsEvents() throws IOException {
        try (EventJournal j = EventJournal.open(dir, 1 << 20)) {
            j.append(JournalCodec.encode(batch("g", 1, 1)));
            assertThatThrownBy(() -> EventJournal.open(dir, 1 << 20)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another process");
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }
}
