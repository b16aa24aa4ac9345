package fasttrack.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The course's one file format for tensors (checkpoints, LoRA adapters): a magic line naming the
 * kind of file, a 4-byte header length, a JSON header, the tensors as little-endian float32 in header
 * order, then a SHA-256 of everything before it. Written atomically (a crash leaves the previous
 * file intact); a truncated or altered file is refused, never half-loaded.
 *
 * @param magic the first line, e.g. {@code FASTTRACK-CHECKPOINT 1}
 * @param kind  what the file is called in messages, e.g. "checkpoint"
 * @param hint  what to do when the file is missing, e.g. "train and save one first"
 */
public record TensorFile(String magic, String kind, String hint) {

    private static final int CHECKSUM = 32;
    /** JSON has no NaN, but a header may hold one (a skipped training step's loss): written as Gson reads it back. */
    private static final Gson JSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().create();

    /** A file's verified header and its tensors, read in order with {@link #next}. */
    public static final class Contents<H> {
        private final H header;
        private final ByteBuffer tensors;

        private Contents(H header, ByteBuffer tensors) {
            this.header = header;
            this.tensors = tensors;
        }

        public H header() {
            return header;
        }

        /** The next {@code size} values. */
        public float[] next(long size) {
            float[] values = new float[Math.toIntExact(size)];
            tensors.asFloatBuffer().get(values);
            tensors.position(tensors.position() + values.length * 4);
            return values;
        }
    }

    /** Writes {@code header} (as JSON) and {@code tensors} to {@code file}, atomically, with a checksum. */
    public Path write(Path file, Object header, List<float[]> tensors) throws IOException {
        byte[] json = JSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(magicBytes());
            out.writeInt(json.length);
            out.write(json);
            for (float[] values : tensors) out.write(littleEndian(values));
            out.write(sha256(bytes.toByteArray(), bytes.size()));
        }
        return AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Reads and verifies a file.
     *
     * @throws IllegalArgumentException for a missing file, a file of another kind, or one whose
     *                                  checksum does not match (truncated or altered)
     */
    public <H> Contents<H> read(Path file, Class<H> headerType) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no " + kind + " at " + file.toAbsolutePath() + ": " + hint, e);
        }
        byte[] magic = magicBytes();
        if (bytes.length < magic.length + 4 + CHECKSUM || !Arrays.equals(Arrays.copyOf(bytes, magic.length), magic)) {
            throw new IllegalArgumentException(
                    file + " is not a FastTrack " + kind + " (wrong header" + foreignKind(bytes) + ")");
        }
        byte[] expected = Arrays.copyOfRange(bytes, bytes.length - CHECKSUM, bytes.length);
        if (!MessageDigest.isEqual(expected, sha256(bytes, bytes.length - CHECKSUM))) {
            throw new IllegalArgumentException(
                    file + " is corrupt: its SHA-256 does not match its contents (truncated or modified)."
                            + " Nothing was loaded; use an earlier copy");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, magic.length, bytes.length - magic.length - CHECKSUM);
        int headerLength = in.getInt();
        H header;
        try {
            header = JSON.fromJson(new String(bytes, in.position(), headerLength, StandardCharsets.UTF_8), headerType);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " has an unreadable header: " + e.getMessage(), e);
        }
        in.position(in.position() + headerLength);
        return new Contents<>(header, in.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    private byte[] magicBytes() {
        return (magic + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** ": it is a FastTrack-SOMETHING file" when another FastTrack file was given, so the learner sees the mix-up. */
    private static String foreignKind(byte[] bytes) {
        String start = new String(bytes, 0, Math.min(bytes.length, 40), StandardCharsets.US_ASCII);
        int end = start.indexOf('\n');
        return start.startsWith("FASTTRACK-") && end > 0 ? ": it starts with '" + start.substring(0, end) + "'" : "";
    }

    /** The bytes a tensor is stored as: little-endian float32. */
    public static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** A SHA-256 (hex) of {@code tensors} as this format stores them, one after another: a fingerprint of their values. */
    public static String fingerprint(Iterable<float[]> tensors) {
        MessageDigest digest = sha256();
        for (float[] values : tensors) digest.update(littleEndian(values));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] sha256(byte[] bytes, int length) {
        MessageDigest digest = sha256();
        digest.update(bytes, 0, length);
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
