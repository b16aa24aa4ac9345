package fasttrack.retrieval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorCacheTest {

    @TempDir
    Path dir;

    private static final List<String> DOCS = List.of("in the beginning", "let there be light", "and there was light");

    /** A 3-d encoder whose vector is a deterministic function of the text; counts its calls. */
    private static final class FakeEncoder implements TextEncoder {
        private final String name;
        int calls;

        FakeEncoder(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public float[] encode(String text) {
            calls++;
            return new float[] {
                text.length(),
                text.hashCode() % 97 / 7f,
                (float) Math.sqrt(text.chars().sum())
            };
        }
    }

    private static float[][] encodeAll(TextEncoder encoder, List<String> documents) {
        return documents.stream().map(encoder::encode).toArray(float[][]::new);
    }

    private static VectorCache.Refused refused(Path file, TextEncoder encoder, List<String> documents, String reason) {
        var e = assertThrows(VectorCache.Refused.class, () -> VectorCache.load(file, encoder, documents));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        return e;
    }

    @Test
    void saveThenLoadRoundTripsExactly() {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        float[][] vectors = encodeAll(encoder, DOCS);
        vectors[1][2] = Float.MIN_VALUE; // bit-exact, not just close
        Path file = dir.resolve("v.bin");
        VectorCache.save(file, encoder, DOCS, vectors);
        float[][] loaded = VectorCache.load(file, encoder, DOCS);
        assertEquals(DOCS.size(), loaded.length);
        for (int i = 0; i < vectors.length; i++) assertArrayEquals(vectors[i], loaded[i], 0f, "vector " + i);
    }

    @Test
    void loadRefusesAFileBuiltFromOtherDocuments() {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        Path file = dir.resolve("v.bin");
        VectorCache.save(file, encoder, DOCS, encodeAll(encoder, DOCS));
        refused(
                file,
                encoder,
                List.of("in the beginning", "let there be light", "and there was darkness"),
                "was built from other documents");
        refused(file, encoder, List.of(DOCS.get(2), DOCS.get(0), DOCS.get(1)), "was built from other documents");
        refused(file, encoder, DOCS.subList(0, 2), "was built from other documents (3 of them");
    }

    @Test
    void loadRefusesAFileFromAnotherEncoder() {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        Path file = dir.resolve("v.bin");
        VectorCache.save(file, encoder, DOCS, encodeAll(encoder, DOCS));
        var e = refused(file, new FakeEncoder("other-3d"), DOCS, "holds vectors of fake-3d, not of other-3d");
        assertTrue(e.getMessage().contains("VectorCache.loadOrBuild"), "says what to do: " + e.getMessage());
    }

    @Test
    void loadRefusesTruncatedForeignAndMissingFiles() throws Exception {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        Path file = dir.resolve("v.bin");
        VectorCache.save(file, encoder, DOCS, encodeAll(encoder, DOCS));
        byte[] whole = Files.readAllBytes(file);

        Files.write(file, Arrays.copyOf(whole, whole.length - 4));
        refused(file, encoder, DOCS, "is corrupt: 32 bytes of vectors where 36 belong");
        Files.write(file, Arrays.copyOf(whole, 30));
        refused(file, encoder, DOCS, "is truncated");

        byte[] noise = new byte[200];
        new Random(7).nextBytes(noise);
        Files.write(file, noise);
        refused(file, encoder, DOCS, "is not a vector cache");
        Files.write(file, "fasttrack-vectors".getBytes(StandardCharsets.US_ASCII));
        refused(file, encoder, DOCS, "is not a vector cache");

        refused(dir.resolve("missing.bin"), encoder, DOCS, "does not exist");
    }

    @Test
    void loadOrBuildEncodesOnceThenLoadsAndRebuildsWhenStale() throws Exception {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        Path file = dir.resolve("v.bin");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

        float[][] built = VectorCache.loadOrBuild(file, encoder, DOCS, out);
        assertEquals(DOCS.size(), encoder.calls, "one encode per document");
        assertTrue(Files.exists(file));
        String first = log.toString(StandardCharsets.UTF_8);
        assertTrue(
                first.startsWith("No cached vectors at " + file
                        + ": encoding 3 documents with fake-3d, saved there for next time.\n"),
                first);
        assertTrue(
                first.contains("\nEncoding with fake-3d  [####################] 3 / 3 (100%)"),
                "progress, as lines outside a kernel: " + first);
        assertTrue(first.strip().endsWith(" done in 0m00s"), "the last line says how long it took: " + first);
        for (int i = 0; i < DOCS.size(); i++) assertArrayEquals(new FakeEncoder("x").encode(DOCS.get(i)), built[i], 0f);

        log.reset();
        float[][] loaded = VectorCache.loadOrBuild(file, encoder, DOCS, out);
        assertEquals(DOCS.size(), encoder.calls, "a current cache is loaded, not re-encoded");
        assertEquals("", log.toString(StandardCharsets.UTF_8), "nothing to say when the cache is current");
        assertTrue(Arrays.deepEquals(built, loaded));

        List<String> changed = List.of("in the beginning", "was the word");
        float[][] rebuilt = VectorCache.loadOrBuild(file, encoder, changed, out);
        assertEquals(DOCS.size() + 2, encoder.calls, "a stale cache is rebuilt");
        assertEquals(2, rebuilt.length);
        String said = log.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("Rebuilding: the vector cache " + file + " was built from other documents"), said);
        assertFalse(said.contains("Delete it"), "the rebuild line drops the advice it is acting on: " + said);
        assertTrue(Arrays.deepEquals(rebuilt, VectorCache.load(file, encoder, changed)), "the rebuilt cache was saved");
    }

    @Test
    void saveRefusesOneVectorPerDocumentMismatch() {
        FakeEncoder encoder = new FakeEncoder("fake-3d");
        Path file = dir.resolve("v.bin");
        var e = assertThrows(
                IllegalArgumentException.class, () -> VectorCache.save(file, encoder, DOCS, new float[2][3]));
        assertTrue(e.getMessage().contains("2 vectors for 3 documents"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VectorCache.save(file, encoder, DOCS, new float[3][4]));
        assertFalse(Files.exists(file), "nothing written");
    }

    @Test
    void fingerprintSeparatesDocumentBoundaries() {
        assertFalse(Arrays.equals(
                VectorCache.fingerprint(List.of("ab", "c")), VectorCache.fingerprint(List.of("a", "bc"))));
        assertFalse(
                Arrays.equals(VectorCache.fingerprint(List.of("a", "b")), VectorCache.fingerprint(List.of("b", "a"))));
        assertArrayEquals(VectorCache.fingerprint(List.of("ab", "c")), VectorCache.fingerprint(List.of("ab", "c")));
        assertEquals(32, VectorCache.fingerprint(List.of()).length);
    }
}
