package fasttrack.hub;

import ai.djl.ndarray.NDArray;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import fasttrack.io.AtomicFiles;
import fasttrack.tensors.Tensors;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code .safetensors} format: how almost every open model's weights are shipped.
 *
 * <pre>
 *   8 bytes     N, the header's length (unsigned 64-bit, little-endian)
 *   N bytes     a JSON object: for each tensor {"dtype": "F32", "shape": [768, 2304], "data_offsets": [begin, end]},
 *               and optionally "__metadata__": {string: string}; spaces may pad it
 *   the rest    the tensors' bytes, little-endian, row-major; offsets count from here
 * </pre>
 *
 * Opening a file checks its whole header before anything is read: the length is sane, the JSON is one
 * object, every dtype is known, every byte range is as long as its shape needs (product(shape) × bytes
 * per element), and the ranges tile the data exactly (no gap, no overlap, nothing past the end). A
 * truncated file, a file of another kind (a FastTrack checkpoint, a zip such as PyTorch's
 * {@code .bin}) or a damaged header is refused with a message naming the file and what is wrong.
 *
 * <p>Tensors are read one at a time into float32, from F32, F16 or BF16; writing is F32 unless F16 or
 * BF16 is asked for, rounding each value to the nearest representable one (ties to even), as PyTorch
 * does. Files are written atomically.
 */
public final class Safetensors implements AutoCloseable {

    /** The reference implementation refuses headers over 100 MB; so does this one. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int CHUNK = 1 << 20; // bytes per read or write

    /** Element types the format defines, with their sizes; only F32, F16 and BF16 can be read as floats here. */
    public enum DType {
        F64(8),
        F32(4),
        F16(2),
        BF16(2),
        F8_E4M3(1),
        F8_E5M2(1),
        I64(8),
        I32(4),
        I16(2),
        I8(1),
        U64(8),
        U32(4),
        U16(2),
        U8(1),
        BOOL(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }

        /** Whether {@link Safetensors#read} converts it to float32 (F32, F16, BF16). */
        public boolean floating16or32() {
            return this == F32 || this == F16 || this == BF16;
        }

        static DType parse(String name) {
            for (DType t : values()) if (t.name().equals(name)) return t;
            return null;
        }
    }

    /**
     * A tensor as plain Java values: its shape and its elements in row-major order, as float32.
     * Two tensors are equal when their shapes and their values' bits are.
     */
    public record Tensor(long[] shape, float[] values) {

        public Tensor {
            long size = 1;
            for (long d : shape) {
                if (d < 0)
                    throw new IllegalArgumentException("a shape cannot have negative sizes: " + Arrays.toString(shape));
                size = Math.multiplyExact(size, d);
            }
            if (size != values.length) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " holds " + size + " values, got " + values.length);
            }
            shape = shape.clone();
        }

        /** A copy of {@code array}'s values (as float32) and shape. */
        public static Tensor of(NDArray array) {
            return new Tensor(array.getShape().getShape(), Tensors.floats(array));
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Tensor t) || !Arrays.equals(shape, t.shape) || values.length != t.values.length)
                return false;
            for (int i = 0; i < values.length; i++)
                if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(t.values[i])) return false;
            return true;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Tensor" + Arrays.toString(shape);
        }
    }

    /** One tensor's header entry; {@code begin} and {@code end} count bytes from the start of the data. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Elements: the product of the shape (1 for a scalar). */
        public long size() {
            long size = 1;
            for (long d : shape) size *= d;
            return size;
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape) + " bytes " + begin + ".." + end;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries; // in file order
    private final Map<String, String> metadata;

    private Safetensors(
            Path file, FileChannel channel, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens {@code file} and checks its header; tensors are then read one at a time with
     * {@link #read(String)}. Close it when done.
     *
     * @throws IllegalArgumentException naming the file and the problem, for a missing file, a file
     *                                  that is not safetensors, or a header that does not describe its data
     */
    public static Safetensors open(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no safetensors file at " + file.toAbsolutePath(), e);
        }
        try {
            return parse(file, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Every tensor of {@code file}, by name in file order, as float32. */
    public static Map<String, Tensor> readAll(Path file) throws IOException {
        try (Safetensors in = open(file)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : in.names()) out.put(name, in.read(name));
            return out;
        }
    }

    public Path file() {
        return file;
    }

    /** The header's {@code __metadata__} (empty when it has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors' names, in the order their bytes appear in the file. */
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The header entries, in file order. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The entry of tensor {@code name}. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null)
            throw new IllegalArgumentException(
                    file + " has no tensor '" + name + "' (it has " + entries.size() + " tensors)");
        return e;
    }

    /**
     * Tensor {@code name} as float32 (converted from F16 or BF16 exactly: every 16-bit value is a float32).
     *
     * @throws IllegalArgumentException for an unknown name or a type other than F32, F16, BF16
     */
    public Tensor read(String name) throws IOException {
        Entry e = entry(name);
        if (!e.dtype().floating16or32()) {
            throw new IllegalArgumentException("tensor '" + name + "' in " + file + " is " + e.dtype()
                    + ": this reader converts F32, F16 and BF16 to float32");
        }
        long size = e.size();
        if (size > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(
                    "tensor '" + name + "' in " + file + " has " + size + " elements: too many for one Java array");
        float[] values = new float[(int) size];
        int width = e.dtype().bytes();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK - CHUNK % width).order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + e.begin();
        int done = 0;
        while (done < values.length) {
            int count = Math.min(values.length - done, buffer.capacity() / width);
            buffer.clear().limit(count * width);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException(
                            file + " ended while reading tensor '" + name + "': it was truncated after it was opened");
                }
            }
            buffer.flip();
            decode(buffer, e.dtype(), values, done, count);
            position += (long) count * width;
            done += count;
        }
        return new Tensor(e.shape(), values);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "Safetensors(" + file + ", " + entries.size() + " tensors)";
    }

    /** Writes {@code tensors} (name to tensor, in this order) as F32, without metadata. */
    public static Path write(Path file, Map<String, Tensor> tensors) throws IOException {
        return write(file, tensors, DType.F32, Map.of());
    }

    /**
     * Writes {@code tensors} in {@code dtype} (F32, F16 or BF16: values are rounded to the nearest
     * one it can hold, ties to even; a float32 beyond float16's range becomes ±infinity), with
     * {@code metadata} as the header's {@code __metadata__}. Atomic: a crash leaves the old file.
     */
    public static Path write(Path file, Map<String, Tensor> tensors, DType dtype, Map<String, String> metadata)
            throws IOException {
        if (!dtype.floating16or32()) throw new IllegalArgumentException("can write F32, F16 or BF16, not " + dtype);
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            String name = t.getKey();
            if (name == null || name.isEmpty() || name.equals("__metadata__"))
                throw new IllegalArgumentException("a tensor cannot be called '" + name + "'");
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : t.getValue().shape) shape.add(d);
            entry.add("shape", shape);
            long end = offset + (long) t.getValue().values.length * dtype.bytes();
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            entry.add("data_offsets", offsets);
            header.add(name, entry);
            offset = end;
        }
        byte[] json =
                new GsonBuilder().disableHtmlEscaping().create().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7)
                / 8
                * 8; // spaces up to a multiple of 8, so the data starts 8-byte aligned (as the reference writer does)
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        return AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(padded)
                    .flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(headerBytes));
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (int at = 0; at < t.values.length; ) {
                    int count = Math.min(t.values.length - at, CHUNK / dtype.bytes());
                    buffer.clear();
                    encode(t.values, at, count, dtype, buffer);
                    writeFully(out, buffer.flip());
                    at += count;
                }
            }
        });
    }

    // ---- 16-bit floats ----

    /**
     * The float16 nearest to {@code value} (ties to even), as its 16 bits: 1 sign, 5 exponent,
     * 10 mantissa. Magnitudes from 65,520 up become infinity, below 2⁻²⁵ zero; NaN stays NaN.
     */
    public static short toFloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) { // infinity, or NaN (kept quiet, top payload bits kept)
            return (short) (sign | (abs > 0x7F800000 ? 0x7E00 | ((abs >>> 13) & 0x3FF) : 0x7C00));
        }
        if (abs >= 0x477FF000) return (short) (sign | 0x7C00); // >= 65520, halfway to 2^16: rounds to infinity
        if (abs >= 0x38800000) { // a normal float16 (>= 2^-14): rebias the exponent, round 13 bits away
            int v = abs - 0x38000000; // exponent bias 127 -> 15
            v += 0xFFF + ((v >>> 13) & 1); // round to nearest, ties to even (a carry bumps the exponent, as it should)
            return (short) (sign | (v >>> 13));
        }
        if (abs <= 0x33000000) return (short) sign; // <= 2^-25, at most halfway to the smallest subnormal: zero
        int exponent = abs >>> 23; // 102..112
        int mantissa = (abs & 0x7FFFFF) | 0x800000; // the implicit leading 1
        int shift = 126 - exponent; // to units of 2^-24, the subnormal step: 14..24
        int q = mantissa >>> shift, rest = mantissa & ((1 << shift) - 1), half = 1 << (shift - 1);
        if (rest > half || (rest == half && (q & 1) == 1))
            q++; // may reach 0x400, the smallest normal: still the right bits
        return (short) (sign | q);
    }

    /** The float32 equal to the float16 with these bits (exact: every float16 is a float32). */
    public static float fromFloat16(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1F, mantissa = h & 0x3FF;
        if (exponent == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        if (exponent == 0) { // zero or subnormal: mantissa × 2^-24
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * The bfloat16 nearest to {@code value} (ties to even), as its 16 bits: float32's top half (same
     * 8-bit exponent, so the same range; 7 mantissa bits instead of 23). NaN stays NaN.
     */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000)
            return (short) ((bits >>> 16) | 0x0040); // NaN: quiet, never rounded into infinity
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The float32 equal to the bfloat16 with these bits. */
    public static float fromBfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    // ---- internals ----

    private static void decode(ByteBuffer in, DType dtype, float[] out, int from, int count) {
        switch (dtype) {
            case F32 -> in.asFloatBuffer().get(out, from, count);
            case F16 -> {
                for (int i = 0; i < count; i++) out[from + i] = fromFloat16(in.getShort());
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) out[from + i] = fromBfloat16(in.getShort());
            }
            default -> throw new IllegalStateException(dtype.name());
        }
    }

    private static void encode(float[] values, int from, int count, DType dtype, ByteBuffer out) {
        switch (dtype) {
            case F32 -> {
                out.asFloatBuffer().put(values, from, count);
                out.position(out.position() + count * 4);
            }
            case F16 -> {
                for (int i = 0; i < count; i++) out.putShort(toFloat16(values[from + i]));
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) out.putShort(toBfloat16(values[from + i]));
            }
            default -> throw new IllegalStateException(dtype.name());
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }

    private static Safetensors parse(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        ByteBuffer start = ByteBuffer.allocate((int) Math.min(fileSize, 64)).order(ByteOrder.LITTLE_ENDIAN);
        while (start.hasRemaining() && channel.read(start, start.position()) >= 0) {
            /* reads the first bytes */
        }
        byte[] first = Arrays.copyOf(start.array(), start.position());
        if (fileSize < 8) {
            throw notSafetensors(
                    file,
                    first,
                    "it is " + fileSize
                            + " bytes long, shorter than the 8-byte header length every safetensors file starts with");
        }
        long headerLength = start.getLong(0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
            String why = headerLength < 0 || headerLength > MAX_HEADER_BYTES
                    ? "its first 8 bytes give a header length of " + Long.toUnsignedString(headerLength)
                            + " bytes, over the format's limit of " + MAX_HEADER_BYTES
                    : headerLength > fileSize - 8
                            ? "its header should be " + headerLength + " bytes, but only " + (fileSize - 8)
                                    + " follow the length: the file is truncated"
                            : "its first 8 bytes give a header length of " + headerLength
                                    + ", too short for a JSON object";
            throw notSafetensors(file, first, why);
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        while (headerBytes.hasRemaining()) {
            if (channel.read(headerBytes, 8 + headerBytes.position()) < 0)
                throw new EOFException(file + " ended inside its header");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "its header is not UTF-8 text");
        }
        if (!json.startsWith("{")) throw bad(file, "its header does not start with '{' (a JSON object)");
        long dataSize = fileSize - 8 - headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!seen.add(name)) throw bad(file, "the header names '" + name + "' twice");
                JsonElement value = JsonParser.parseReader(reader);
                if (name.equals("__metadata__")) readMetadata(file, value, metadata);
                else entries.add(entry(file, name, value));
            }
            reader.endObject();
            JsonToken after;
            try {
                after = reader.peek();
            } catch (IOException trailingText) { // strict mode refuses a second value outright
                after = null;
            }
            if (after != JsonToken.END_DOCUMENT) throw bad(file, "the header has text after its JSON object");
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (IOException
                | RuntimeException e) { // MalformedJsonException, IllegalStateException, JsonParseException
            throw bad(file, "its header is not a well-formed JSON object (" + e.getMessage() + ")");
        }
        checkLayout(file, entries, dataSize);
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) byName.put(e.name(), e);
        return new Safetensors(
                file,
                channel,
                8 + headerLength,
                Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(Path file, JsonElement value, Map<String, String> metadata) {
        if (!value.isJsonObject()) throw bad(file, "__metadata__ is not an object of strings");
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString())
                throw bad(file, "__metadata__ '" + m.getKey() + "' is not a string");
            metadata.put(m.getKey(), v.getAsString());
        }
    }

    private static Entry entry(Path file, String name, JsonElement value) {
        String where = "tensor '" + name + "'";
        if (!value.isJsonObject()) throw bad(file, where + " is not an object with dtype, shape and data_offsets");
        JsonObject o = value.getAsJsonObject();
        for (String key : o.keySet()) {
            if (!Set.of("dtype", "shape", "data_offsets").contains(key))
                throw bad(file, where + " has an unknown field '" + key + "'");
        }
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!o.has(key)) throw bad(file, where + " has no " + key);
        }
        JsonElement dtypeName = o.get("dtype");
        DType dtype =
                dtypeName.isJsonPrimitive() && dtypeName.getAsJsonPrimitive().isString()
                        ? DType.parse(dtypeName.getAsString())
                        : null;
        if (dtype == null)
            throw bad(
                    file,
                    where + " has an unknown dtype " + dtypeName + " (known: " + Arrays.toString(DType.values()) + ")");
        long[] shape = longs(file, where + "'s shape", o.get("shape"), -1);
        long[] offsets = longs(file, where + "'s data_offsets", o.get("data_offsets"), 2);
        if (offsets[1] < offsets[0])
            throw bad(file, where + " ends (byte " + offsets[1] + ") before it begins (byte " + offsets[0] + ")");
        long size = 1;
        try {
            for (long d : shape) size = Math.multiplyExact(size, d);
            long bytes = Math.multiplyExact(size, dtype.bytes());
            if (bytes != offsets[1] - offsets[0]) {
                throw bad(
                        file,
                        where + " has shape " + Arrays.toString(shape) + " of " + dtype + ", which takes " + size
                                + " × " + dtype.bytes() + " = " + bytes + " bytes, but its data_offsets span "
                                + (offsets[1] - offsets[0]) + " bytes");
            }
        } catch (ArithmeticException e) {
            throw bad(file, where + " has a shape " + Arrays.toString(shape) + " too large to exist");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers (of length {@code length}, unless −1). */
    private static long[] longs(Path file, String what, JsonElement value, int length) {
        if (!value.isJsonArray() || (length >= 0 && value.getAsJsonArray().size() != length)) {
            throw bad(
                    file,
                    what + " is not " + (length >= 0 ? "an array of " + length + " integers" : "an array of integers")
                            + ": " + value);
        }
        JsonArray array = value.getAsJsonArray();
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = array.get(i);
            long v;
            try {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw new NumberFormatException();
                v = Long.parseLong(e.getAsString());
            } catch (NumberFormatException notInteger) {
                throw bad(file, what + " holds " + e + ", not a whole number");
            }
            if (v < 0) throw bad(file, what + " holds a negative number " + v);
            out[i] = v;
        }
        return out;
    }

    /** The byte ranges must tile [0, dataSize): no gap, no overlap, nothing past the end. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end() > dataSize) {
                throw bad(
                        file,
                        "tensor '" + e.name() + "' ends at byte " + e.end() + " of the data, but the file holds only "
                                + dataSize + " bytes of data: it is truncated (or its header is wrong)");
            }
            if (e.begin() < expected) {
                throw bad(
                        file,
                        "tensor '" + e.name() + "' (bytes " + e.begin() + ".." + e.end() + ") overlaps tensor '"
                                + previous.name() + "' (bytes " + previous.begin() + ".." + previous.end() + ")");
            }
            if (e.begin() > expected) {
                throw bad(
                        file,
                        "bytes " + expected + ".." + e.begin() + " of the data belong to no tensor (a gap before '"
                                + e.name() + "')");
            }
            expected = e.end();
            previous = e;
        }
        if (expected < dataSize) {
            throw bad(
                    file,
                    "the last " + (dataSize - expected) + " bytes of the data (from byte " + expected
                            + ") belong to no tensor");
        }
    }

    private static IllegalArgumentException bad(Path file, String what) {
        return new IllegalArgumentException(file + " is not a valid safetensors file: " + what);
    }

    /** A file whose first bytes are not a safetensors header: says what it is, when that is recognisable, else why. */
    private static IllegalArgumentException notSafetensors(Path file, byte[] first, String why) {
        String foreign = foreignKind(first);
        return new IllegalArgumentException(file + " is not a safetensors file: " + (foreign != null ? foreign : why));
    }

    /** What a file is, from its first bytes, when it is recognisably something else; null otherwise. */
    private static String foreignKind(byte[] first) {
        String text = new String(first, StandardCharsets.ISO_8859_1);
        if (text.startsWith("FASTTRACK-")) {
            int end = text.indexOf('\n');
            return "it is a FastTrack file (it starts with '" + (end > 0 ? text.substring(0, end) : text)
                    + "'): read it with Checkpoint.read or its own reader";
        }
        if (text.startsWith("PK\u0003\u0004"))
            return "it is a zip archive (a PyTorch .bin or .pt checkpoint is one): convert it to safetensors first";
        if (first.length > 1 && (first[0] & 0xFF) == 0x80 && first[1] >= 2 && first[1] <= 5)
            return "it is a Python pickle (an old PyTorch checkpoint): convert it to safetensors first";
        if (text.startsWith("GGUF")) return "it is a GGUF file (llama.cpp's format), not safetensors";
        if (text.startsWith("{") || text.startsWith("["))
            return "it is JSON text (a config.json or tokenizer.json?), not safetensors";
        return null;
    }
}
