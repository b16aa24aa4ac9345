package fasttrack.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.train.GptTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {

    private static final GptConfig TINY = new GptConfig(12, 16, 2, 2, 16, 0f, false);

    @TempDir
    Path dir;

    private NDManager nd;
    private NDArray ids;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        Random random = new Random(3);
        int[] values = new int[2 * 16];
        for (int i = 0; i < values.length; i++) values[i] = random.nextInt(12);
        ids = nd.create(values, new Shape(2, 16));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** The same base weights every time it is called (seeded initialisation). */
    private Gpt base() {
        Setup.seed(11);
        return new Gpt(TINY).initialize(nd);
    }

    private float[] logits(Gpt model) {
        try (NDManager scope = nd.newSubManager()) {
            NDArray input = ids.duplicate();
            input.attach(scope);
            return model.logits(new ParameterStore(scope, false), input, false).toFloatArray();
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    private static Map<String, float[]> frozenWeights(Gpt model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (!p.getValue().requiresGradient())
                out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** Gives every B random values, as training would, so the adapters change the outputs. */
    private static void randomiseB(LoraAdapters adapters, long seed) {
        Random random = new Random(seed);
        for (LoraLinear layer : adapters.layers().values()) {
            float[] values = new float[Math.toIntExact(layer.b().size())];
            for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian() * 0.1f;
            Tensors.overwrite(layer.b(), values);
        }
    }

    @Test
    void anAdaptedModelStartsIdenticalToItsBaseAndAddsRTimesDinPlusDoutPerLayer() {
        Gpt model = base();
        float[] before = logits(model);
        long baseCount = model.parameterCount();
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.allLinear(4, 8));

        assertEquals(
                0.0, maxDifference(before, logits(model)), "B = 0: the adapted model computes exactly the base model");
        // Per block, C = 16: qkv 4·(16+48), projection 4·(16+16), up 4·(16+64), down 4·(64+16); two blocks.
        long expected = 2L * 4 * ((16 + 48) + (16 + 16) + (16 + 64) + (64 + 16));
        assertEquals(expected, adapters.parameterCount());
        assertEquals(expected, adapters.config().parameterCount(TINY));
        assertEquals(expected, model.trainableParameterCount(), "only the adapters train");
        assertEquals(baseCount + expected, model.parameterCount());
        assertEquals(8, adapters.layers().size());
        assertTrue(LoraAdapters.present(model));
    }

    @Test
    void onlyTheAdaptersGetGradientsAndAStartsWithNone() {
        Gpt model = base();
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.attention(2, 4));
        try (NDManager scope = nd.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray input = ids.duplicate();
            input.attach(scope);
            NDArray logits = model.logits(new ParameterStore(scope, false), input, true);
            collector.backward(logits.logSoftmax(-1).get("..., 0").mean().neg());
            for (Pair<String, Parameter> p : model.getParameters()) {
                boolean adapter = p.getKey().endsWith("loraA") || p.getKey().endsWith("loraB");
                assertEquals(adapter, p.getValue().requiresGradient(), p.getKey());
            }
            for (LoraLinear layer : adapters.layers().values()) {
                // dL/dB = (α/r)·(dL/dy)ᵀ·(x·Aᵀ) is non-zero; dL/dA = (α/r)·Bᵀ·… is zero while B = 0.
                assertTrue(layer.b().getGradient().abs().sum().getFloat() > 0, "B gets a gradient");
                assertEquals(
                        0f, layer.a().getGradient().abs().sum().getFloat(), "A's gradient is zero while B is zero");
            }
        }
    }

    /** Tokens in a fixed cycle: each token is followed by (token + stride) mod 12. */
    private static int[] cycle(int length, int stride) {
        int[] tokens = new int[length];
        for (int i = 1; i < length; i++) tokens[i] = (tokens[i - 1] + stride) % 12;
        return tokens;
    }

    private static GptTrainer trainer(Gpt model, int[] tokens, float maxLr, NDManager nd) {
        int split = tokens.length * 9 / 10;
        return new GptTrainer(
                model,
                Arrays.copyOf(tokens, split),
                Arrays.copyOfRange(tokens, split, tokens.length),
                new GptTrainer.Config(8, 80, maxLr, maxLr / 10, 5, 0f, 1f, 80, 2, 5),
                nd);
    }

    @Test
    void loraFinetuningMovesOnlyTheAdaptersAndLearnsTheNewTask() {
        Gpt model = base();
        try (GptTrainer pretraining = trainer(model, cycle(3000, 1), 1e-2f, nd)) {
            pretraining.train(null); // the base learns "t is followed by t + 1"
        }
        LoraAdapters adapters =
                LoraAdapters.attach(model, LoraConfig.allLinear(4, 8).withDropout(0.1f));
        Map<String, float[]> frozen = frozenWeights(model);
        int[] task = cycle(3000, 5); // the new task: "t is followed by t + 5"
        try (GptTrainer finetuning = trainer(model, task, 1e-2f, nd)) {
            double before = finetuning.evaluate(task);
            finetuning.train(null);
            double after = finetuning.evaluate(task);
            assertTrue(after < before / 4, "loss on the new task " + before + " -> " + after);
        }
        Map<String, float[]> after = frozenWeights(model);
        assertEquals(frozen.keySet(), after.keySet());
        for (String key : frozen.keySet())
            assertEquals(0.0, maxDifference(frozen.get(key), after.get(key)), key + " must not change");
        for (LoraLinear layer : adapters.layers().values())
            assertTrue(layer.b().abs().max().getFloat() > 0, "B trained");
    }

    @Test
    void mergedAndUnmergedModelsAgree() {
        Gpt model = base();
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.allLinear(3, 6));
        Map<String, float[]> baseWeights = frozenWeights(model);
        randomiseB(adapters, 1);
        float[] unmerged = logits(model);

        adapters.merge();
        assertTrue(adapters.merged());
        float[] merged = logits(model);
        assertTrue(
                maxDifference(unmerged, merged) < 1e-5, "merged logits differ by " + maxDifference(unmerged, merged));
        LoraLinear first = adapters.layers().get("block0.qkv");
        float[] w = first.base().getParameters().get("weight").getArray().toFloatArray();
        float[] expected =
                baseWeights.get("03block0_02attention_01qkv_01base_weight").clone();
        float[] delta = first.delta(nd).toFloatArray();
        for (int i = 0; i < expected.length; i++) expected[i] += delta[i];
        assertTrue(maxDifference(expected, w) < 1e-6, "merge writes W + (α/r)·B·A");
        assertThrows(IllegalStateException.class, adapters::merge);
        try (NDManager scope = nd.newSubManager()) {
            IllegalStateException training = assertThrows(
                    IllegalStateException.class, () -> model.logits(new ParameterStore(scope, false), ids, true));
            assertTrue(training.getMessage().contains("unmerge it before training"), training.getMessage());
        }

        adapters.unmerge();
        assertFalse(adapters.merged());
        assertEquals(0.0, maxDifference(unmerged, logits(model)), 1e-5);
        Map<String, float[]> restored = frozenWeights(model);
        for (String key : baseWeights.keySet()) {
            assertTrue(maxDifference(baseWeights.get(key), restored.get(key)) < 1e-6, key + " restored by unmerge");
        }
        assertThrows(IllegalStateException.class, adapters::unmerge);
    }

    @Test
    void adaptersSaveAndLoadAloneOntoTheirBase() throws Exception {
        Gpt model = base();
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.attention(2, 4));
        randomiseB(adapters, 2);
        float[] adapted = logits(model);
        Path file = adapters.save(dir.resolve("tiny.lora"));
        long matrices = 4L * adapters.parameterCount();
        assertTrue(
                Files.size(file) > matrices && Files.size(file) < matrices + 2048,
                "the file holds the adapters alone: " + Files.size(file));

        Gpt fresh = base();
        LoraAdapters loaded = LoraAdapters.load(file, fresh);
        assertEquals(0.0, maxDifference(adapted, logits(fresh)), "loaded adapters give the same outputs");
        assertEquals(adapters.config(), loaded.config());
        assertEquals(adapters.baseFingerprint(), loaded.baseFingerprint());
        assertThrows(IllegalStateException.class, () -> LoraAdapters.load(file, fresh), "already adapted");

        Setup.seed(12);
        Gpt otherBase = new Gpt(TINY).initialize(nd);
        IllegalArgumentException wrongBase =
                assertThrows(IllegalArgumentException.class, () -> LoraAdapters.load(file, otherBase));
        assertTrue(wrongBase.getMessage().contains("other base weights"), wrongBase.getMessage());
        assertFalse(LoraAdapters.present(otherBase), "a refused load leaves the model as it was");

        Gpt otherShape = new Gpt(new GptConfig(12, 16, 1, 2, 16, 0f, false)).initialize(nd);
        IllegalArgumentException wrongConfig =
                assertThrows(IllegalArgumentException.class, () -> LoraAdapters.load(file, otherShape));
        assertTrue(wrongConfig.getMessage().contains("base model they were trained on"), wrongConfig.getMessage());

        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Path corrupt = Files.write(dir.resolve("corrupt.lora"), bytes);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraAdapters.load(corrupt, base()))
                .getMessage()
                .contains("corrupt"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> LoraAdapters.load(dir.resolve("missing.lora"), base()))
                .getMessage()
                .contains("no LoRA adapter file"));
    }

    @Test
    void aCheckpointFileIsNotMistakenForAdaptersNorAdaptersForACheckpoint() throws Exception {
        Gpt model = base();
        LoraAdapters.attach(model, LoraConfig.attention(2, 4));
        try (GptTrainer trainer =
                new GptTrainer(model, new int[200], new int[200], GptTrainer.Config.defaults(10), nd)) {
            IllegalArgumentException save =
                    assertThrows(IllegalArgumentException.class, () -> trainer.save(dir.resolve("x.ckpt")));
            assertTrue(save.getMessage().contains("adapters.save"), save.getMessage());
        }
        Gpt plain = base();
        Path checkpoint;
        try (GptTrainer trainer =
                new GptTrainer(plain, new int[200], new int[200], GptTrainer.Config.defaults(10), nd)) {
            checkpoint = trainer.save(dir.resolve("plain.ckpt"));
        }
        IllegalArgumentException foreign =
                assertThrows(IllegalArgumentException.class, () -> LoraAdapters.load(checkpoint, base()));
        assertTrue(
                foreign.getMessage().contains("not a FastTrack LoRA adapter file")
                        && foreign.getMessage().contains("FASTTRACK-CHECKPOINT"),
                foreign.getMessage());
        IllegalArgumentException intoAdapted = assertThrows(
                IllegalArgumentException.class,
                () -> fasttrack.train.Checkpoint.read(checkpoint).loadWeights(model));
        assertTrue(intoAdapted.getMessage().contains("fresh model"), intoAdapted.getMessage());
    }

    @Test
    void badSettingsAreExplained() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> LoraConfig.attention(0, 8));
        assertTrue(zero.getMessage().contains("rank must be >= 1"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoraConfig.attention(-2, 8));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LoraConfig.attention(4, 0))
                .getMessage()
                .contains("alpha"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> LoraConfig.attention(4, 8).withDropout(1f))
                .getMessage()
                .contains("dropout"));
        assertThrows(
                IllegalArgumentException.class, () -> new LoraConfig(4, 8, 0, EnumSet.noneOf(LoraConfig.Target.class)));

        Gpt model = base();
        IllegalArgumentException tooHigh = assertThrows(
                IllegalArgumentException.class, () -> LoraAdapters.attach(model, LoraConfig.attention(17, 8)));
        assertTrue(tooHigh.getMessage().contains("min(d_in, d_out) = 16"), tooHigh.getMessage());
        assertFalse(LoraAdapters.present(model), "a refused attach leaves the model untouched");
        assertEquals(model.parameterCount(), model.trainableParameterCount(), "and unfrozen");

        LoraAdapters.attach(model, LoraConfig.attention(2, 4));
        assertTrue(assertThrows(
                        IllegalStateException.class, () -> LoraAdapters.attach(model, LoraConfig.attention(2, 4)))
                .getMessage()
                .contains("already has LoRA adapters"));

        Gpt frozen = base();
        frozen.freezeParameters(true);
        IllegalArgumentException nothing = assertThrows(
                IllegalArgumentException.class,
                () -> new GptTrainer(frozen, new int[200], new int[200], GptTrainer.Config.defaults(10), nd));
        assertTrue(nothing.getMessage().contains("nothing to train"), nothing.getMessage());

        Linear untrained = Linear.builder().setUnits(4).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LoraLinear(untrained, 2, 4, 0))
                .getMessage()
                .contains("no weights yet"));
        Linear trained = Linear.builder().setUnits(4).build();
        trained.initialize(nd, DataType.FLOAT32, new Shape(1, 8));
        IllegalArgumentException rank =
                assertThrows(IllegalArgumentException.class, () -> new LoraLinear(trained, 5, 4, 0));
        assertTrue(rank.getMessage().contains("between 1 and min(d_in, d_out) = 4"), rank.getMessage());
    }
}
