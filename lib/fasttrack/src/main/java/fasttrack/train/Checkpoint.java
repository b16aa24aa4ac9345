package fasttrack.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.io.TensorFile;
import fasttrack.lora.LoraAdapters;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.tensors.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run on disk: model weights, AdamW moments, both configurations, the step and the
 * history, in a {@link TensorFile} (atomic, checksummed) whose magic line is
 * {@code FASTTRACK-CHECKPOINT 1} and whose JSON header holds the configurations, the step, the
 * tensor names and shapes, and the history.
 */
public final class Checkpoint {

    private static final TensorFile FORMAT =
            new TensorFile("FASTTRACK-CHECKPOINT 1", "checkpoint", "train and save one first");

    /** What the JSON header holds. */
    record Header(
            GptConfig model,
            GptTrainer.Config training,
            int step,
            int optimizerSteps,
            List<Tensor> tensors,
            List<TrainingHistory.Step> steps,
            List<TrainingHistory.Evaluation> evaluations) {}

    /** A tensor's place in the file: a model weight ("weight") or one of its Adam moments ("m", "v"). */
    record Tensor(String name, String kind, long[] shape) {
        long size() {
            return new Shape(shape).size();
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

    /** The saved run's steps and evaluations. */
    public TrainingHistory history() {
        TrainingHistory history = new TrainingHistory();
        header.steps().forEach(history::add);
        header.evaluations().forEach(history::add);
        return history;
    }

    static Path write(Path file, GptTrainer trainer) throws IOException {
        if (LoraAdapters.present(trainer.model())) {
            throw new IllegalArgumentException(
                    "this model has LoRA adapters: save them alone with adapters.save(file) (the base"
                            + " weights are frozen, so the base checkpoint still holds them)");
        }
        List<Tensor> tensors = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : trainer.weights().entrySet()) {
            tensors.add(new Tensor(e.getKey(), "weight", e.getValue().getShape().getShape()));
            values.add(Tensors.floats(e.getValue()));
        }
        for (Map.Entry<String, NDArray[]> e : trainer.optimizer().moments().entrySet()) {
            tensors.add(new Tensor(e.getKey(), "m", e.getValue()[0].getShape().getShape()));
            values.add(Tensors.floats(e.getValue()[0]));
            tensors.add(new Tensor(e.getKey(), "v", e.getValue()[1].getShape().getShape()));
            values.add(Tensors.floats(e.getValue()[1]));
        }
        TrainingHistory history = trainer.history();
        Header header = new Header(
                trainer.model().config(),
                trainer.config(),
                trainer.step(),
                trainer.optimizer().steps(),
                tensors,
                history.steps(),
                history.evaluations());
        return FORMAT.write(file, header, values);
    }

    /**
     * Reads and verifies a checkpoint.
     *
     * @throws IllegalArgumentException for a missing file, a file that is not a checkpoint, or one
     *                                  whose checksum does not match (truncated or altered)
     */
    public static Checkpoint read(Path file) throws IOException {
        TensorFile.Contents<Header> contents = FORMAT.read(file, Header.class);
        Map<String, float[]> data = new LinkedHashMap<>();
        for (Tensor t : contents.header().tensors()) data.put(t.kind() + ":" + t.name(), contents.next(t.size()));
        return new Checkpoint(contents.header(), data);
    }

    /** Builds the model and a trainer in the saved state, ready to continue. */
    GptTrainer resume(int[] trainTokens, int[] validationTokens, NDManager parent) {
        GptTrainer trainer = new GptTrainer(
                model(parent), trainTokens, validationTokens, header.training(), parent, header.step(), history());
        Map<String, float[][]> moments = new LinkedHashMap<>();
        for (Tensor t : header.tensors()) {
            if (t.kind().equals("m"))
                moments.put(t.name(), new float[][] {data.get("m:" + t.name()), data.get("v:" + t.name())});
        }
        trainer.optimizer().restore(header.optimizerSteps(), moments, trainer.weights());
        return trainer;
    }

    /** A new model on {@code manager} with the saved configuration and weights. */
    public Gpt model(NDManager manager) {
        Gpt model = new Gpt(header.model()).initialize(manager);
        loadWeights(model);
        return model;
    }

    /**
     * Copies the saved weights into {@code model}, which must have the saved configuration.
     *
     * @throws IllegalArgumentException naming the first difference when the model does not match
     */
    public void loadWeights(Gpt model) {
        if (LoraAdapters.present(model)) {
            throw new IllegalArgumentException(
                    "this model has LoRA adapters: load the base checkpoint into a fresh model first, then attach or load the adapters");
        }
        if (!model.config().equals(header.model())) {
            throw new IllegalArgumentException("the checkpoint holds a model " + header.model() + " but this model is "
                    + model.config() + ": build the model from checkpoint.modelConfig()");
        }
        for (Pair<String, Parameter> p : model.getParameters()) {
            float[] values = data.get("weight:" + p.getKey());
            NDArray w = p.getValue().getArray();
            if (values == null || values.length != w.size()) {
                throw new IllegalArgumentException(
                        "the checkpoint has no weight '" + p.getKey() + "' of shape " + w.getShape());
            }
            Tensors.overwrite(w, values);
        }
    }

    @Override
    public String toString() {
        return "Checkpoint at step " + header.step() + " of "
                + header.training().totalSteps() + ": " + header.model();
    }
}
