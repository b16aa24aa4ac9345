package fasttrack.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.hub.Safetensors.DType;
import fasttrack.hub.Safetensors.Tensor;
import fasttrack.io.TensorFile;
import fasttrack.runtime.Setup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", new Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 1e-40f}));
        tensors.put("specials", new Tensor(new long[] {4}, new float[] {
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE
        }));
        tensors.put("scalar", new Tensor(new long[] {}, new float[] {42}));
        tensors.put("empty", new Tensor(new long[] {0, 5}, new float[0]));
        return tensors;
    }

    @Test
    void float32TensorsComeBackBitForBitWithTheirShapesAndMetadata() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, sample(), DType.F32, Map.of("format", "pt", "note", "ünïcode"));
        try (Safetensors in = Safetensors.open(file)) {
            assertEquals(
                    List.of("a.weight", "specials", "scalar", "empty"),
                    List.copyOf(in.names()),
                    "file order is write order");
            assertEquals(Map.of("format", "pt", "note", "ünïcode"), in.metadata());
            for (Map.Entry<String, Tensor> e : sample().entrySet())
                assertEquals(e.getValue(), in.read(e.getKey()), e.getKey());
            assertEquals(DType.F32, in.entry("a.weight").dtype());
        }
        assertEquals(sample(), Safetensors.readAll(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp file left behind: the write is atomic");
        }
    }

    @Test
    void theFileIsAnEightByteLengthAJsonHeaderThenTheRawLittleEndianData() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new Tensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
        tensors.put("b", new Tensor(new long[] {3}, new float[] {5, 6, 7}));
        Safetensors.write(file, tensors, DType.F32, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        assertEquals(0, n % 8, "the header is padded with spaces so the data starts 8-byte aligned");
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertEquals("{\"format\":\"pt\"}", header.get("__metadata__").toString());
        assertEquals(
                "{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}",
                header.get("w").toString());
        assertEquals(
                "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}",
                header.get("b").toString());
        assertEquals(8 + n + 28, bytes.length);
        in.position((int) (8 + n));
        float[] data = new float[7];
        in.asFloatBuffer().get(data);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, data);
    }

    @Test
    void float16RoundsExactlyAsPyTorchDoes() {
        // Edge cases (ties, the overflow boundary, subnormals, the smallest values) and random floats of every scale.
        List<Float> cases = new java.util.ArrayList<>(List.of(
                0f,
                -0f,
                1f,
                -1f,
                65504f,
                65519.99f,
                65520f,
                65536f,
                1e6f,
                -1e6f,
                6.1035156e-5f,
                6.1035156e-5f * 0.999f,
                5.9604645e-8f,
                2.9802322e-8f,
                2.9802326e-8f,
                2.98e-8f,
                1e-9f,
                8.940697e-8f,
                1 + 0x1p-11f,
                1 + 3 * 0x1p-11f,
                1 + 0x1p-11f + 0x1p-20f,
                2048 + 1f,
                2048 + 3f,
                Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE,
                Float.MAX_VALUE,
                0.1f,
                1 / 3f));
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++)
            cases.add((float) (random.nextGaussian() * Math.pow(2, random.nextInt(48) - 30)));
        for (int h = 0; h < 65536; h += 7) { // midpoints between neighbouring float16s: ties must go to even
            float a = Safetensors.fromFloat16((short) h), b = Safetensors.fromFloat16((short) (h + 1));
            if (Float.isFinite(a) && Float.isFinite(b) && Math.signum(a) == Math.signum(b))
                cases.add((float) (((double) a + b) / 2));
        }
        float[] values = new float[cases.size()];
        for (int i = 0; i < values.length; i++) values[i] = cases.get(i);
        try (NDManager nd = Setup.manager().newSubManager()) {
            NDArray half = nd.create(values).toType(DataType.FLOAT16, false);
            ByteBuffer torch = ByteBuffer.wrap(half.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                short expected = torch.getShort(), ours = Safetensors.toFloat16(v);
                if (expected != ours)
                    throw new AssertionError(String.format(
                            "float16 of %s (%08x): PyTorch %04x, ours %04x",
                            v, Float.floatToRawIntBits(v), expected, ours));
            }
        }
    }

    @Test
    void every16BitValueIsAFloat32AndComesBackUnchanged() {
        for (int h = 0; h < 65536; h++) {
            float f16 = Safetensors.fromFloat16((short) h), bf16 = Safetensors.fromBfloat16((short) h);
            if (!Float.isNaN(f16))
                assertEquals((short) h, Safetensors.toFloat16(f16), "float16 " + Integer.toHexString(h));
            else assertTrue(Float.isNaN(Safetensors.fromFloat16(Safetensors.toFloat16(f16))), "NaN stays NaN");
            if (!Float.isNaN(bf16))
                assertEquals((short) h, Safetensors.toBfloat16(bf16), "bfloat16 " + Integer.toHexString(h));
            else assertTrue(Float.isNaN(Safetensors.fromBfloat16(Safetensors.toBfloat16(bf16))), "NaN stays NaN");
        }
        assertEquals(1f, Safetensors.fromFloat16((short) 0x3C00));
        assertEquals(65504f, Safetensors.fromFloat16((short) 0x7BFF), "float16's largest");
        assertEquals(0x1p-24f, Safetensors.fromFloat16((short) 0x0001), "float16's smallest subnormal");
    }

    @Test
    void bfloat16KeepsFloat32sTopSixteenBitsRoundedToNearestEven() {
        assertEquals((short) 0x3F80, Safetensors.toBfloat16(1f));
        assertEquals(
                (short) 0x3F80,
                Safetensors.toBfloat16(1 + 0x1p-8f),
                "halfway between 1 and 1 + 2^-7: ties to even (down)");
        assertEquals(
                (short) 0x3F82,
                Safetensors.toBfloat16(1 + 3 * 0x1p-8f),
                "halfway between odd 1 + 2^-7 and 1 + 2^-6: ties to even (up)");
        assertEquals((short) 0x3F81, Safetensors.toBfloat16(1 + 0x1p-8f + 0x1p-20f), "just above halfway: up");
        assertEquals((short) 0x7F80, Safetensors.toBfloat16(Float.MAX_VALUE), "the largest float32 rounds to infinity");
        assertEquals((short) 0xC049, Safetensors.toBfloat16(-3.14159f));
        assertTrue(
                Float.isNaN(Safetensors.fromBfloat16(Safetensors.toBfloat16(Float.intBitsToFloat(0x7FFFFFFF)))),
                "a NaN never rounds into infinity");
        assertTrue(
                Float.isNaN(Safetensors.fromBfloat16(Safetensors.toBfloat16(Float.intBitsToFloat(0x7F800001)))),
                "nor does a signalling one");
    }

    @Test
    void sixteenBitFilesHoldTheRoundedValuesInHalfTheBytes() throws IOException {
        Random random = new Random(3);
        float[] values = new float[1000];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        Map<String, Tensor> tensors = Map.of("w", new Tensor(new long[] {10, 100}, values));
        Path f32 = Safetensors.write(dir.resolve("32.safetensors"), tensors);
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            Path file = Safetensors.write(dir.resolve(dtype + ".safetensors"), tensors, dtype, Map.of());
            try (Safetensors in = Safetensors.open(file)) {
                assertEquals(dtype, in.entry("w").dtype());
                float[] back = in.read("w").values();
                for (int i = 0; i < values.length; i++) {
                    float expected = dtype == DType.F16
                            ? Safetensors.fromFloat16(Safetensors.toFloat16(values[i]))
                            : Safetensors.fromBfloat16(Safetensors.toBfloat16(values[i]));
                    assertEquals(expected, back[i], dtype + " value " + i);
                }
            }
            assertEquals(Files.size(f32) - 2000, Files.size(file), dtype + ": 2 bytes a value instead of 4");
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> Safetensors.write(dir.resolve("i.safetensors"), tensors, DType.I32, Map.of()));
    }

    // ---- refusals: every one names the file and what is wrong, and loads nothing ----

    private Path good() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", new Tensor(new long[] {4, 4}, new float[16]));
        tensors.put("b", new Tensor(new long[] {4}, new float[4]));
        return Safetensors.write(dir.resolve("good.safetensors"), tensors);
    }

    /** A file with this header (padded as written) and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String name, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json);
        return Files.write(dir.resolve(name), out.array());
    }

    private void refused(Path file, String... phrases) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Safetensors.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
        for (String phrase : phrases)
            assertTrue(e.getMessage().contains(phrase), "says '" + phrase + "': " + e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedNotHalfLoaded() throws IOException {
        Path good = good();
        byte[] bytes = Files.readAllBytes(good);
        refused(
                Files.write(dir.resolve("cut-data.safetensors"), Arrays.copyOf(bytes, bytes.length - 3)),
                "tensor 'b' ends at byte 80",
                "truncated");
        refused(
                Files.write(dir.resolve("cut-header.safetensors"), Arrays.copyOf(bytes, 30)),
                "only 22 follow the length",
                "truncated");
        refused(Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3}), "3 bytes long");
        refused(Files.write(dir.resolve("empty.safetensors"), new byte[0]), "0 bytes long");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);
        refused(
                Files.write(dir.resolve("extra.safetensors"), longer),
                "the last 4 bytes of the data",
                "belong to no tensor");
    }

    @Test
    void otherKindsOfFileAreNamedForWhatTheyAre() throws IOException {
        Path checkpoint = new TensorFile("FASTTRACK-CHECKPOINT 1", "checkpoint", "train one")
                .write(dir.resolve("model.ckpt"), Map.of("step", 1), List.of(new float[] {1, 2}));
        refused(checkpoint, "FastTrack file", "FASTTRACK-CHECKPOINT 1");
        Path zip = dir.resolve("pytorch_model.bin");
        try (OutputStream out = Files.newOutputStream(zip);
                ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(new byte[100]);
        }
        refused(zip, "zip archive", "PyTorch");
        refused(
                Files.writeString(dir.resolve("config.safetensors"), "{\"model_type\": \"gpt2\", \"n_embd\": 768}"),
                "JSON text");
        byte[] huge = new byte[64];
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(200_000_000L);
        refused(
                Files.write(dir.resolve("huge-header.safetensors"), huge),
                "header length of 200000000",
                "over the format's limit");
    }

    @Test
    void headersThatDoNotDescribeTheirDataAreRefused() throws IOException {
        refused(
                withHeader(
                        "overlap.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12),
                "'b' (bytes 4..12) overlaps tensor 'a' (bytes 0..8)");
        refused(
                withHeader(
                        "gap.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}",
                        20),
                "bytes 8..12 of the data belong to no tensor");
        refused(
                withHeader(
                        "size.safetensors", "{\"a\":{\"dtype\":\"F16\",\"shape\":[3,2],\"data_offsets\":[0,24]}}", 24),
                "shape [3, 2] of F16, which takes 6 × 2 = 12 bytes",
                "span 24 bytes");
        refused(
                withHeader("dtype.safetensors", "{\"a\":{\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
                "unknown dtype \"F17\"");
        refused(
                withHeader(
                        "twice.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        8),
                "names 'a' twice");
        refused(
                withHeader("json.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4),
                "not a well-formed JSON object");
        refused(
                withHeader("no-shape.safetensors", "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4),
                "tensor 'a' has no shape");
        refused(
                withHeader(
                        "negative.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "negative number -1");
        refused(
                withHeader(
                        "fraction.safetensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                        4),
                "not a whole number");
        refused(
                withHeader(
                        "backwards.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4),
                "ends (byte 0) before it begins (byte 4)");
        refused(withHeader("meta.safetensors", "{\"__metadata__\":{\"n\":1}}", 0), "__metadata__ 'n' is not a string");
        refused(withHeader("trailing.safetensors", "{}{}", 0), "text after its JSON object");
    }

    @Test
    void typesItCannotConvertAreNamedWhenRead() throws IOException {
        Path file =
                withHeader("ints.safetensors", "{\"ids\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        try (Safetensors in = Safetensors.open(file)) {
            assertEquals(DType.I32, in.entry("ids").dtype(), "the header is valid: I32 is a known type");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> in.read("ids"));
            assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("is I32"), e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> in.read("nope"));
            assertTrue(missing.getMessage().contains("no tensor 'nope'"), missing.getMessage());
        }
        IllegalArgumentException none =
                assertThrows(IllegalArgumentException.class, () -> Safetensors.open(dir.resolve("absent.safetensors")));
        assertTrue(none.getMessage().startsWith("no safetensors file at"), none.getMessage());
    }
}
