package fasttrack.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import fasttrack.io.AtomicFiles;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run on disk: model weights, AdamW moments, both configurations, the step and the
 * history. One file, written atomically (a crash leaves the previous checkpoint intact), ending in
 * a SHA-256 of everything before it, so a truncated or altered file is refused, never half-loaded.
 *
 * <p>Layout: the magic line {@code FASTTRACK-CHECKPOINT 1}, a 4-byte header length, a JSON header
 * (configurations, step, tensor names and shapes, history), the tensors as little-endian float32
 * in header order, then the 32-byte checksum.
 */
public final class Checkpoint {

    private static final byte[] MAGIC = "FASTTRACK-CHECKPOINT 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CHECKSUM = 32;

    /** What the JSON header holds. */
    record Header(GptConfig model, GptTrainer.Config training, int step, int optimizerSteps, List<Tensor> tensors,
                  List<TrainingHistory.Step> steps, List<TrainingHistory.Evaluation> evaluations) {}

    /** A tensor's place in the file: a model weight ("weight") or one of its Adam moments ("m", "v"). */
    record Tensor(String name, String kind, long[] shape) {
        long size() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private final Header header;
    private final Map<String, float[]> data;

    private Checkpoint(Header header, Map<String, float[]> data) {
        this.header = header;
        this.data = data;
    }

    public GptConfig modelConfig() {
        return header.model();
    }

    public GptTrainer.Config trainingConfig() {
        return header.training();
    }

    public int step() {
        return header.step();
    }

    static Path write(Path file, GptTrainer trainer) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : trainer.weights().entrySet()) {
            tensors.add(new Tensor(e.getKey(), "weight", e.getValue().getShape().getShape()));
            arrays.add(e.getValue());
        }
        for (Map.Entry<String, NDArray[]> e : trainer.optimizer().moments().entrySet()) {
            tensors.add(new Tensor(e.getKey(), "m", e.getValue()[0].getShape().getShape()));
            arrays.add(e.getValue()[0]);
            tensors.add(new Tensor(e.getKey(), "v", e.getValue()[1].getShape().getShape()));
            arrays.add(e.getValue()[1]);
        }
        TrainingHistory history = trainer.history();
        Header header = new Header(trainer.model().config(), trainer.config(), trainer.step(), trainer.optimizer().steps(), tensors,
                history.steps(), history.evaluations());
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(json.length);
            out.write(json);
            for (NDArray a : arrays) {
                float[] values = a.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(values);
                out.write(buffer.array());
            }
            out.write(sha256(bytes.toByteArray(), bytes.size()));
        }
        return AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @throws IllegalArgumentException for a missing file, a file that is not a checkpoint, or one
     *                                  whose checksum does not match (truncated or altered)
     */
    public static Checkpoint read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no checkpoint at " + file.toAbsolutePath() + ": train and save one first", e);
        }
        if (bytes.length < MAGIC.length + 4 + CHECKSUM || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException(file + " is not a FastTrack checkpoint (wrong header)");
        }
        byte[] expected = Arrays.copyOfRange(bytes, bytes.length - CHECKSUM, bytes.length);
        if (!MessageDigest.isEqual(expected, sha256(bytes, bytes.length - CHECKSUM))) {
            throw new IllegalArgumentException(file + " is corrupt: its SHA-256 does not match its contents (truncated or modified)."
                    + " Nothing was loaded; use an earlier checkpoint");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length - CHECKSUM);
        int headerLength = in.getInt();
        Header header;
        try {
            header = new Gson().fromJson(new String(bytes, in.position(), headerLength, StandardCharsets.UTF_8), Header.class);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " has an unreadable header: " + e.getMessage(), e);
        }
        in.position(in.position() + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, float[]> data = new LinkedHashMap<>();
        for (Tensor t : header.tensors()) {
            float[] values = new float[Math.toIntExact(t.size())];
            in.asFloatBuffer().get(values);
            in.position(in.position() + values.length * 4);
            data.put(t.kind() + ":" + t.name(), values);
        }
        return new Checkpoint(header, data);
    }

    /** Builds the model and a trainer in the saved state, ready to continue. */
    GptTrainer resume(int[] trainTokens, int[] validationTokens, NDManager parent) {
        Gpt model = new Gpt(header.model()).initialize(parent);
        loadWeights(model);
        TrainingHistory history = new TrainingHistory();
        header.steps().forEach(history::add);
        header.evaluations().forEach(history::add);
        GptTrainer trainer = new GptTrainer(model, trainTokens, validationTokens, header.training(), parent, header.step(), history);
        Map<String, float[][]> moments = new LinkedHashMap<>();
        for (Tensor t : header.tensors()) {
            if (t.kind().equals("m")) moments.put(t.name(), new float[][] {data.get("m:" + t.name()), data.get("v:" + t.name())});
        }
        trainer.optimizer().restore(header.optimizerSteps(), moments, trainer.weights());
        return trainer;
    }

    /**
     * Copies the saved weights into {@code model}, which must have the saved configuration.
     *
     * @throws IllegalArgumentException naming the first difference when the model does not match
     */
    public void loadWeights(Gpt model) {
        if (!model.config().equals(header.model())) {
            throw new IllegalArgumentException("the checkpoint holds a model " + header.model() + " but this model is " + model.config()
                    + ": build the model from checkpoint.modelConfig()");
        }
        for (Pair<String, Parameter> p : model.getParameters()) {
            float[] values = data.get("weight:" + p.getKey());
            NDArray w = p.getValue().getArray();
            if (values == null || values.length != w.size()) {
                throw new IllegalArgumentException("the checkpoint has no weight '" + p.getKey() + "' of shape " + w.getShape());
            }
            // Weights require gradients, so write through the detached view, with in-place arithmetic
            // (set() would give the view new memory instead of filling the weight's).
            try (NDArray view = w.stopGradient(); NDArray source = w.getManager().create(values, w.getShape())) {
                view.muli(0).addi(source.toDevice(w.getDevice(), false));
            }
        }
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint at step " + header.step() + " of " + header.training().totalSteps() + ": " + header.model();
    }
}
