package fasttrack.retrieval;

import fasttrack.io.AtomicFiles;
import fasttrack.show.ProgressBar;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Document vectors saved on disk, so a collection is encoded once. The file names the encoder and
 * fingerprints the documents (SHA-256 of their texts in order), and is read back only for that
 * encoder and exactly those documents: vectors from another model or another collection would
 * search without error and return nonsense. Written whole or not at all ({@link AtomicFiles}).
 *
 * <pre>
 * "fasttrack-vectors 1\n"  encoder name (UTF-8) "\n"  dimension, count (int32)  SHA-256 (32 bytes)
 * count × dimension float32, little-endian
 * </pre>
 */
public final class VectorCache {

    private static final byte[] MAGIC = "fasttrack-vectors 1\n".getBytes(StandardCharsets.US_ASCII);

    private VectorCache() {}

    /** Thrown when a cache file cannot be used, saying why and what to do. */
    public static final class Refused extends IllegalStateException {
        Refused(Path file, String why) {
            super("the vector cache " + file + " " + why
                    + ". Delete it, or call VectorCache.loadOrBuild, which rebuilds it.");
        }
    }

    /** The vectors in {@code file}, if it was built by {@code encoder} from exactly {@code documents}. */
    public static float[][] load(Path file, TextEncoder encoder, List<String> documents) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Refused(file, "does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length
                || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new Refused(file, "is not a vector cache (it does not start with \"fasttrack-vectors 1\")");
        }
        in.position(MAGIC.length);
        int newline = MAGIC.length;
        while (newline < bytes.length && bytes[newline] != '\n') newline++;
        if (newline + 1 + 8 + 32 > bytes.length) throw new Refused(file, "is truncated (its header is incomplete)");
        String model = new String(bytes, MAGIC.length, newline - MAGIC.length, StandardCharsets.UTF_8);
        in.position(newline + 1);
        int dimension = in.getInt(), count = in.getInt();
        byte[] fingerprint = new byte[32];
        in.get(fingerprint);
        if (!model.equals(encoder.name())) {
            throw new Refused(file, "holds vectors of " + model + ", not of " + encoder.name());
        }
        if (dimension != encoder.dimension() || dimension < 1 || count < 0) {
            throw new Refused(
                    file,
                    "has dimension " + dimension + " and " + count + " vectors; " + encoder.name() + " makes dimension "
                            + encoder.dimension());
        }
        if (count != documents.size() || !MessageDigest.isEqual(fingerprint, fingerprint(documents))) {
            throw new Refused(
                    file,
                    "was built from other documents (" + count + " of them, fingerprint "
                            + HexFormat.of().formatHex(fingerprint, 0, 4) + "…; these " + documents.size() + " have "
                            + HexFormat.of().formatHex(fingerprint(documents), 0, 4) + "…)");
        }
        long expected = (long) count * dimension * Float.BYTES;
        if (in.remaining() != expected) {
            throw new Refused(
                    file, "is corrupt: " + in.remaining() + " bytes of vectors where " + expected + " belong");
        }
        float[][] vectors = new float[count][dimension];
        FloatBuffer floats = in.asFloatBuffer();
        for (float[] vector : vectors) floats.get(vector);
        return vectors;
    }

    /** Writes {@code vectors} (one per document, in order) as built by {@code encoder}. */
    public static void save(Path file, TextEncoder encoder, List<String> documents, float[][] vectors) {
        if (vectors.length != documents.size()) {
            throw new IllegalArgumentException(
                    vectors.length + " vectors for " + documents.size() + " documents: give one vector per document");
        }
        byte[] model = encoder.name().getBytes(StandardCharsets.UTF_8);
        int dimension = encoder.dimension();
        ByteBuffer out = ByteBuffer.allocate(
                        MAGIC.length + model.length + 1 + 8 + 32 + vectors.length * dimension * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC)
                .put(model)
                .put((byte) '\n')
                .putInt(dimension)
                .putInt(vectors.length)
                .put(fingerprint(documents));
        for (float[] vector : vectors) {
            if (vector.length != dimension)
                throw new IllegalArgumentException(
                        "a vector of length " + vector.length + " where " + encoder.name() + " makes " + dimension);
            for (float x : vector) out.putFloat(x);
        }
        try {
            AtomicFiles.write(file, out.array());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * The cached vectors, or (when the file is missing, stale or corrupt: {@code log} says which)
     * the documents encoded afresh and saved for next time. Encoding a large collection takes minutes,
     * so a {@link ProgressBar} shows how far it is and how long it will take: live in a notebook, as
     * lines on {@code log} elsewhere.
     */
    public static float[][] loadOrBuild(Path file, TextEncoder encoder, List<String> documents, PrintStream log) {
        try {
            return load(file, encoder, documents);
        } catch (Refused refused) {
            log.println(
                    Files.exists(file)
                            ? "Rebuilding: " + refused.getMessage().replaceFirst("\\. Delete it.*", ".")
                            : String.format(
                                    Locale.ROOT,
                                    "No cached vectors at %s: encoding %,d documents with %s, saved there for next time.",
                                    file,
                                    documents.size(),
                                    encoder.name()));
        }
        float[][] vectors = new float[documents.size()][];
        ProgressBar progress = ProgressBar.start("Encoding with " + encoder.name(), vectors.length, log);
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = encoder.encode(documents.get(i));
            progress.advance();
        }
        save(file, encoder, documents, vectors);
        return vectors;
    }

    /** SHA-256 of the documents, each as its UTF-8 length then its bytes (so ["ab", "c"] ≠ ["a", "bc"]). */
    public static byte[] fingerprint(List<String> documents) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String document : documents) {
                byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha.update(bytes);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
