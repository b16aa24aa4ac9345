package fasttrack.compress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import fasttrack.io.AtomicFiles;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.tensors.Tensors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weight-only quantisation of a GPT: every matrix it multiplies by (qkv, projection, up, down, the
 * output head) stored as int8 or int4 {@link QuantizedMatrix}; embeddings, layer norms and biases,
 * a few percent of the numbers, stay float32. Activations stay float: the model computes with the
 * dequantised weights, so the loss measures exactly what rounding the weights costs.
 */
public final class QuantizedGpt {

    private static final byte[] MAGIC = "fasttrack-quantized-gpt 1\n".getBytes(StandardCharsets.US_ASCII);

    private final GptConfig config;
    private final Map<String, QuantizedMatrix> matrices;

    private QuantizedGpt(GptConfig config, Map<String, QuantizedMatrix> matrices) {
        this.config = config;
        this.matrices = matrices;
    }

    /** Quantises {@code model}'s matrices (the model itself is not changed). groupSize applies to int4; int8 uses one scale per row. */
    public static QuantizedGpt of(Gpt model, int bits, int groupSize) {
        Map<String, QuantizedMatrix> matrices = new LinkedHashMap<>();
        LinearWeights.of(model)
                .forEach((name, w) -> matrices.put(
                        name,
                        QuantizedMatrix.quantize(
                                w.toFloatArray(),
                                Math.toIntExact(w.getShape().get(0)),
                                Math.toIntExact(w.getShape().get(1)),
                                bits,
                                groupSize)));
        return new QuantizedGpt(model.config(), matrices);
    }

    public Map<String, QuantizedMatrix> matrices() {
        return matrices;
    }

    /** Writes the dequantised matrices into {@code model} (same configuration), which then computes as the quantised model. */
    public void applyTo(Gpt model) {
        requireConfig(model);
        LinearWeights.of(model)
                .forEach((name, w) -> Tensors.overwrite(w, matrices.get(name).dequantize()));
    }

    /** Bytes of the model stored this way: quantised matrices plus every other parameter in float32. */
    public long bytes(Gpt model) {
        requireConfig(model);
        Map<String, NDArray> linear = LinearWeights.of(model);
        long bytes = 0;
        for (QuantizedMatrix m : matrices.values()) bytes += m.bytes();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (linearName(linear, p.getValue().getArray()) == null)
                bytes += 4 * p.getValue().getArray().size();
        }
        return bytes;
    }

    /**
     * Saves the quantised model: config, then each parameter in the model's order (quantised codes
     * and scales, or float32), then a SHA-256 of all of it. Written whole or not at all.
     */
    public Path write(Path file, Gpt model) throws IOException {
        requireConfig(model);
        Map<String, NDArray> linear = LinearWeights.of(model);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeUTF(new Gson().toJson(config));
        for (Pair<String, Parameter> p : model.getParameters()) {
            String name = linearName(linear, p.getValue().getArray());
            if (name != null) {
                QuantizedMatrix m = matrices.get(name);
                out.writeByte(m.bits());
                out.writeInt(m.rows());
                out.writeInt(m.cols());
                out.writeInt(m.groupSize());
                for (float s : m.scales()) out.writeFloat(s);
                out.write(m.codes());
            } else {
                out.writeByte(32);
                float[] values = p.getValue().getArray().toFloatArray();
                out.writeInt(values.length);
                for (float v : values) out.writeFloat(v);
            }
        }
        out.write(sha256(bytes.toByteArray()));
        return AtomicFiles.write(file, bytes.toByteArray());
    }

    /** Reads a file {@link #write} made into a fresh model on {@code manager}, computing with the dequantised weights. */
    public static Gpt read(Path file, NDManager manager) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + 32 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException(file + " is not a quantised GPT (written by QuantizedGpt.write)");
        }
        byte[] body = Arrays.copyOf(all, all.length - 32);
        if (!Arrays.equals(sha256(body), Arrays.copyOfRange(all, all.length - 32, all.length))) {
            throw new IOException(file + " is corrupt (its checksum does not match): write it again from the model");
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(body, MAGIC.length, body.length - MAGIC.length))) {
            Gpt model = new Gpt(new Gson().fromJson(in.readUTF(), GptConfig.class)).initialize(manager);
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray w = p.getValue().getArray();
                int bits = in.readByte();
                float[] values;
                if (bits == 32) {
                    values = new float[in.readInt()];
                    for (int i = 0; i < values.length; i++) values[i] = in.readFloat();
                } else {
                    int rows = in.readInt(), cols = in.readInt(), groupSize = in.readInt();
                    float[] scales = new float[rows * cols / groupSize];
                    for (int i = 0; i < scales.length; i++) scales[i] = in.readFloat();
                    byte[] codes = new byte[bits == 8 ? rows * cols : rows * cols / 2];
                    in.readFully(codes);
                    values = new QuantizedMatrix(bits, rows, cols, groupSize, codes, scales).dequantize();
                }
                if (values.length != w.size())
                    throw new IOException(file + ": parameter " + p.getKey() + " has " + values.length
                            + " values, the model " + w.size());
                Tensors.overwrite(w, values);
            }
            if (in.available() != 0)
                throw new IOException(file + " has " + in.available() + " bytes after the last parameter");
            return model;
        } catch (EOFException e) {
            throw new IOException(file + " ends early: it is truncated", e);
        }
    }

    private static String linearName(Map<String, NDArray> linear, NDArray array) {
        for (Map.Entry<String, NDArray> e : linear.entrySet()) if (e.getValue() == array) return e.getKey();
        return null;
    }

    private void requireConfig(Gpt model) {
        if (!model.config().equals(config))
            throw new IllegalArgumentException("quantised from a model " + config + ", not " + model.config());
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
