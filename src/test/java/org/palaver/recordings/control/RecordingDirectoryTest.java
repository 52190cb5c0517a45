package org.palaver.recordings.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingDirectoryTest {

    static final String ROOM = "AAAAAAAAAAAAAAAAAAAAAA";
    static final String OTHER = "BBBBBBBBBBBBBBBBBBBBBB";

    @TempDir
    Path dir;

    @Test
    void partsAreNamedByRoomAndStartAndListedOldestFirstWithTheirEnds() throws Exception {
        RecordingDirectory recordings = new RecordingDirectory(dir);
        Instant first = Instant.parse("2026-12-01T10:00:00Z");
        String a = RecordingDirectory.partId(ROOM, first);
        String b = RecordingDirectory.partId(ROOM, first.plusSeconds(95));
        assertEquals(ROOM + "-20261201T100000Z", a);
        Files.write(recordings.file(b), new byte[7]);
        Files.write(recordings.file(a), new byte[5]);
        Files.write(recordings.file(RecordingDirectory.partId(OTHER, first)), new byte[1]);
        recordings.ended(a, first.plusSeconds(90));
        Instant now = Instant.now();

        List<RecordingDirectory.Part> parts = recordings.parts(ROOM, now);
        assertEquals(List.of(a, b), parts.stream().map(RecordingDirectory.Part::id).toList());
        assertEquals(first, parts.get(0).started());
        assertEquals(first.plusSeconds(90), parts.get(0).ended());
        assertEquals(5, parts.get(0).bytes());
        assertNull(parts.get(1).ended(), "written just now and not stopped: still being written");
        Files.setLastModifiedTime(recordings.file(b), FileTime.from(now.minusSeconds(60)));
        assertEquals(now.minusSeconds(60).toEpochMilli(), recordings.parts(ROOM, now).get(1).ended().toEpochMilli(),
                "a part nobody stopped (its node died) ends when it was last written");
        assertTrue(recordings.uri(a).startsWith("file:///") && recordings.uri(a).endsWith(a + ".webm"));
    }

    @Test
    void onlyPartIdsOfTheRoomNameFiles() {
        assertTrue(RecordingDirectory.isPartOf(ROOM + "-20261201T100000Z", ROOM));
        for (String bad : new String[] {OTHER + "-20261201T100000Z", ROOM + "-20261201T100000Z/../x", "../" + ROOM,
                ROOM + ".host", ROOM + "-2026", null, ""}) {
            assertFalse(RecordingDirectory.isPartOf(bad, ROOM), bad);
        }
    }

    @Test
    void theHostKeyIsKeptBesideTheRecordingsAndTheSweepDeletesWhatIsOld() throws Exception {
        RecordingDirectory recordings = new RecordingDirectory(dir);
        recordings.rememberHostKey(ROOM, "hash");
        assertEquals(Optional.of("hash"), recordings.hostKeyHash(ROOM));
        assertEquals(Optional.empty(), recordings.hostKeyHash(OTHER));
        Instant now = Instant.now();
        String old = RecordingDirectory.partId(ROOM, now.minus(Duration.ofDays(40)));
        String fresh = RecordingDirectory.partId(ROOM, now.minus(Duration.ofDays(1)));
        Files.write(recordings.file(old), new byte[3]);
        recordings.ended(old, now.minus(Duration.ofDays(40)));
        Files.write(recordings.file(fresh), new byte[3]);
        Files.setLastModifiedTime(recordings.file(old), FileTime.from(now.minus(Duration.ofDays(40))));
        Files.setLastModifiedTime(dir.resolve(ROOM + ".host"), FileTime.from(now.minus(Duration.ofDays(40))));
        Files.writeString(dir.resolve("notes.txt"), "not a recording");
        Files.setLastModifiedTime(dir.resolve("notes.txt"), FileTime.from(now.minus(Duration.ofDays(40))));

        assertEquals(1, recordings.sweep(now.minus(Duration.ofDays(30))));
        assertFalse(Files.exists(recordings.file(old)));
        assertFalse(Files.exists(dir.resolve(old + ".webm.ended")));
        assertTrue(Files.exists(recordings.file(fresh)));
        assertTrue(Files.exists(dir.resolve(ROOM + ".host")), "kept while the room has a part");
        assertTrue(Files.exists(dir.resolve("notes.txt")), "only recordings are swept");

        Files.setLastModifiedTime(recordings.file(fresh), FileTime.from(now.minus(Duration.ofDays(31))));
        assertEquals(1, recordings.sweep(now.minus(Duration.ofDays(30))));
        assertFalse(Files.exists(dir.resolve(ROOM + ".host")), "no part left: the host key goes too");
    }

    @Test
    void byteRangesAreClippedAndImpossibleOnesRefused() {
        assertEquals(Optional.empty(), ByteRange.parse(null, 100));
        assertEquals(Optional.empty(), ByteRange.parse("bytes=0-1,5-6", 100), "several ranges: the whole file");
        assertEquals(Optional.of(new ByteRange(0, 99)), ByteRange.parse("bytes=0-", 100));
        assertEquals(Optional.of(new ByteRange(10, 99)), ByteRange.parse("bytes=10-500", 100));
        assertEquals(Optional.of(new ByteRange(90, 99)), ByteRange.parse("bytes=-10", 100));
        assertEquals(Optional.of(new ByteRange(0, 99)), ByteRange.parse("bytes=-1000", 100));
        assertEquals(11, ByteRange.parse("bytes=5-15", 100).orElseThrow().length());
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=9-3", 100));
    }

    @Test
    void accessTokensOpenOnePartUntilTheyExpire() {
        AccessTokens tokens = AccessTokens.of("secret");
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        String part = ROOM + "-20261201T100000Z";
        String token = tokens.issue(part, now.plusSeconds(60));
        assertTrue(AccessTokens.of("secret").valid(token, part, now), "any node with the secret");
        assertFalse(tokens.valid(token, part, now.plusSeconds(60)));
        assertFalse(tokens.valid(token, ROOM + "-20261201T100001Z", now), "not another part");
        assertFalse(AccessTokens.of("other").valid(token, part, now));
        for (String junk : new String[] {null, "", "x", "1.", ".x", "99999999999.%%", "a".repeat(300)}) {
            assertFalse(tokens.valid(junk, part, now), String.valueOf(junk));
        }
    }
}
