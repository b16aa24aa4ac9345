package fasttrack.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import fasttrack.io.TensorFile;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.nn.LinearLayers;
import fasttrack.nn.TransformerBlock;
import fasttrack.tensors.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LoRA adapters on a {@link Gpt}: {@link #attach} freezes every weight of the model and wraps the
 * chosen linear layers of every block in a {@link LoraLinear}, so training updates only the
 * adapters. The adapters can be merged into the base weights and taken out again, and saved alone:
 * a small file that remembers which base model it belongs to (a fingerprint of the base weights),
 * so it cannot be loaded onto another model by mistake.
 */
public final class LoraAdapters {

    private static final TensorFile FORMAT = new TensorFile(
            "FASTTRACK-LORA 1", "LoRA adapter file", "train adapters and save them with adapters.save(file) first");

    /** What an adapter file's JSON header holds. */
    record Header(GptConfig model, LoraConfig lora, String baseFingerprint, List<Tensor> tensors) {}

    /** One saved matrix: "block0.qkv.A" and its shape. */
    record Tensor(String name, long[] shape) {
        long size() {
            return new Shape(shape).size();
        }
    }

    private final Gpt model;
    private final LoraConfig config;
    private final Map<String, LoraLinear> layers;
    private final String baseFingerprint;

    private LoraAdapters(Gpt model, LoraConfig config, Map<String, LoraLinear> layers, String baseFingerprint) {
        this.model = model;
        this.config = config;
        this.layers = Collections.unmodifiableMap(layers);
        this.baseFingerprint = baseFingerprint;
    }

    /**
     * Freezes {@code model} and gives the configured layers of every block a fresh adapter (B = 0,
     * so the model's outputs do not change).
     *
     * @throws IllegalArgumentException if the rank is larger than an adapted layer allows (the model is left unchanged)
     * @throws IllegalStateException    if the model already has adapters
     */
    public static LoraAdapters attach(Gpt model, LoraConfig config) {
        if (present(model)) {
            throw new IllegalStateException(
                    "this model already has LoRA adapters: build a fresh model from the base checkpoint to attach others");
        }
        // Build every adapter before changing the model: a rank a layer cannot take is refused here,
        // with the model still as it was.
        Map<String, LoraLinear> layers = new LinkedHashMap<>();
        List<TransformerBlock> blocks = model.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            for (LoraConfig.Target t : config.targets()) {
                Linear base = (Linear) part(blocks.get(i), t).linear(t.layer());
                layers.put(name(i, t), new LoraLinear(base, config.rank(), config.alpha(), config.dropout()));
            }
        }
        String fingerprint = fingerprint(model);
        model.freezeParameters(true);
        for (int i = 0; i < blocks.size(); i++) {
            for (LoraConfig.Target t : config.targets()) {
                LoraLinear adapter = layers.get(name(i, t));
                NDArray weight = adapter.base().getParameters().get("weight").getArray();
                adapter.initialize(weight.getManager(), weight.getDataType(), new Shape(1, 1, adapter.inputs()));
                part(blocks.get(i), t).replaceLinear(t.layer(), adapter);
            }
        }
        return new LoraAdapters(model, config, layers, fingerprint);
    }

    /** Whether any block of {@code model} has an adapter. */
    public static boolean present(Gpt model) {
        for (TransformerBlock block : model.blocks()) {
            for (LoraConfig.Target t : LoraConfig.Target.values()) {
                if (part(block, t).linear(t.layer()) instanceof LoraLinear) return true;
            }
        }
        return false;
    }

    public Gpt model() {
        return model;
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapters by name, "block0.qkv" and so on, in model order. */
    public Map<String, LoraLinear> layers() {
        return layers;
    }

    /** The trainable numbers: r·(d_in + d_out) summed over the adapted layers. */
    public long parameterCount() {
        return layers.values().stream().mapToLong(LoraLinear::parameterCount).sum();
    }

    /** A SHA-256 of the base weights the adapters were attached to (hex). */
    public String baseFingerprint() {
        return baseFingerprint;
    }

    /** Folds every adapter into its base weight: the model then runs at the base model's speed. */
    public void merge() {
        for (LoraLinear layer : layers.values()) layer.merge();
    }

    /** Takes every adapter back out of its base weight. */
    public void unmerge() {
        for (LoraLinear layer : layers.values()) layer.unmerge();
    }

    public boolean merged() {
        return layers.values().iterator().next().merged();
    }

    /** Writes the adapters alone (A and B of every layer, the configurations, the base's fingerprint), atomically. */
    public Path save(Path file) throws IOException {
        List<Tensor> tensors = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (Map.Entry<String, LoraLinear> e : layers.entrySet()) {
            tensors.add(
                    new Tensor(e.getKey() + ".A", e.getValue().a().getShape().getShape()));
            values.add(Tensors.floats(e.getValue().a()));
            tensors.add(
                    new Tensor(e.getKey() + ".B", e.getValue().b().getShape().getShape()));
            values.add(Tensors.floats(e.getValue().b()));
        }
        return FORMAT.write(file, new Header(model.config(), config, baseFingerprint, tensors), values);
    }

    /**
     * Attaches the adapters saved in {@code file} to {@code model}, which must be the base model they
     * were trained on (same configuration and weights, no adapters yet).
     *
     * @throws IllegalArgumentException for a missing, foreign or corrupt file, or the wrong base model
     */
    public static LoraAdapters load(Path file, Gpt model) throws IOException {
        TensorFile.Contents<Header> contents = FORMAT.read(file, Header.class);
        Header header = contents.header();
        if (!model.config().equals(header.model())) {
            throw new IllegalArgumentException(file + " holds adapters for a model " + header.model()
                    + " but this model is " + model.config() + ": load them onto the base model they were trained on");
        }
        if (present(model))
            throw new IllegalStateException("this model already has LoRA adapters: load into a fresh base model");
        String fingerprint = fingerprint(model);
        if (!fingerprint.equals(header.baseFingerprint())) {
            throw new IllegalArgumentException(file + " was trained on other base weights (fingerprint "
                    + header.baseFingerprint().substring(0, 12) + "…, this model's is " + fingerprint.substring(0, 12)
                    + "…): load the base checkpoint the adapters were trained on first");
        }
        List<Tensor> expected = new ArrayList<>();
        int width = model.config().embedDim(), rank = header.lora().rank();
        for (int i = 0; i < model.config().layers(); i++) {
            for (LoraConfig.Target t : header.lora().targets()) {
                expected.add(new Tensor(name(i, t) + ".A", new long[] {rank, t.inputs(width)}));
                expected.add(new Tensor(name(i, t) + ".B", new long[] {t.outputs(width), rank}));
            }
        }
        if (!sameTensors(expected, header.tensors())) {
            throw new IllegalArgumentException(
                    file + " does not hold the matrices its own configuration " + header.lora() + " describes");
        }
        LoraAdapters adapters = attach(model, header.lora());
        for (Tensor t : header.tensors()) {
            LoraLinear layer =
                    adapters.layers.get(t.name().substring(0, t.name().length() - 2));
            Tensors.overwrite(t.name().endsWith(".A") ? layer.a() : layer.b(), contents.next(t.size()));
        }
        return adapters;
    }

    private static boolean sameTensors(List<Tensor> a, List<Tensor> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name())
                    || !Arrays.equals(a.get(i).shape(), b.get(i).shape())) return false;
        }
        return true;
    }

    /** SHA-256 over every weight of a model without adapters, in parameter order. */
    static String fingerprint(Gpt model) {
        // One weight at a time, rather than a copy of the whole model at once.
        return TensorFile.fingerprint(() -> model.getParameters().values().stream()
                .map(p -> Tensors.floats(p.getArray()))
                .iterator());
    }

    private static LinearLayers part(TransformerBlock block, LoraConfig.Target target) {
        return target.sublayer().equals("attention") ? block.attention() : block.feedForward();
    }

    private static String name(int block, LoraConfig.Target target) {
        return "block" + block + "." + target.layer();
    }

    @Override
    public String toString() {
        return "LoRA r=" + config.rank() + ", alpha=" + config.alpha() + " on " + config.targets() + ": "
                + layers.size() + " layers, " + parameterCount() + " trainable parameters"
                + (merged() ? " (merged)" : "");
    }
}
