package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.lora.LoraAdapters;
import fasttrack.lora.LoraConfig;
import fasttrack.lora.LoraLinear;
import fasttrack.runtime.Setup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CachedDecoder over model shapes: at every position of a full context its logits are the engine's
 * ({@link Gpt#logits} over the prefix, last position) to 1e-4, and its three ways in (a token per
 * call, blocks of tokens, one token of several sequences per step) agree bit for bit, since they are
 * one forward pass over one row or many.
 */
class CachedDecoderEquivalenceTest {

    enum Adapter {
        NONE,
        UNMERGED,
        MERGED
    }

    record Case(String name, GptConfig config, Adapter adapter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("1 layer, 1 head, context 5, tied", new GptConfig(7, 5, 1, 1, 8, 0f, true), Adapter.NONE),
                new Case("2 layers, 2 heads of 8", new GptConfig(11, 16, 2, 2, 16, 0f, false), Adapter.NONE),
                new Case(
                        "3 layers, 4 heads of 8, tied, dropout 0.1",
                        new GptConfig(30, 16, 3, 4, 32, 0.1f, true),
                        Adapter.NONE),
                new Case(
                        "3 heads of 6: C = 18 is no multiple of four inputs",
                        new GptConfig(50, 24, 2, 3, 18, 0f, false),
                        Adapter.NONE),
                new Case("4 layers, 4 heads of 16, vocab 65", new GptConfig(65, 32, 4, 4, 64, 0f, false), Adapter.NONE),
                new Case(
                        "unmerged LoRA on every linear layer",
                        new GptConfig(30, 16, 2, 2, 16, 0f, false),
                        Adapter.UNMERGED),
                new Case("merged LoRA", new GptConfig(30, 16, 2, 2, 16, 0f, false), Adapter.MERGED),
                new Case(
                        "GPT-2's tanh GELU, tied",
                        new GptConfig(40, 16, 2, 2, 16, 0f, true, FeedForward.Activation.GELU_TANH),
                        Adapter.NONE));
    }

    private NDManager nd;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Setup.seed(5);
        nd = Setup.manager().newSubManager();
        ps = new ParameterStore(nd, false);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** A seeded model with its matrices scaled up from the N(0, 0.02²) start, so logits vary strongly with position and context. */
    private Gpt model(Case c) {
        Gpt model = new Gpt(c.config()).initialize(nd);
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) continue;
            try (NDArray detached = w.stopGradient()) {
                detached.muli(5);
            }
        }
        if (c.adapter() != Adapter.NONE) {
            LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.allLinear(2, 4));
            for (LoraLinear layer : adapters.layers().values()) {
                try (NDArray b = layer.b().stopGradient()) {
                    b.addi(nd.randomNormal(
                            0, 0.5f, b.getShape(), b.getDataType())); // B = 0 would make the adapters invisible
                }
            }
            if (c.adapter() == Adapter.MERGED) adapters.merge();
        }
        return model;
    }

    /** The engine's logits after {@code tokens[0..length)}: its forward over the whole prefix, last position. */
    private float[] engine(Gpt model, int[] tokens, int length) {
        try (NDManager scope = nd.newSubManager()) {
            long[] ids = Arrays.stream(tokens, 0, length).asLongStream().toArray();
            float[] all = model.logits(ps, scope.create(ids, new Shape(1, length)), false)
                    .toFloatArray();
            int vocab = model.config().vocabSize();
            return Arrays.copyOfRange(all, (length - 1) * vocab, length * vocab);
        }
    }

    /** The logits after each of {@code tokens}, one call of next(int) each on a fresh decoder (copied: next(int) reuses its array). */
    private static float[][] alone(Gpt model, int[] tokens) {
        CachedDecoder decoder = CachedDecoder.of(model);
        float[][] out = new float[tokens.length][];
        for (int t = 0; t < tokens.length; t++) out[t] = decoder.next(tokens[t]).clone();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPathGivesTheEnginesLogits(Case c) {
        Gpt model = model(c);
        int block = c.config().blockSize(), vocab = c.config().vocabSize();
        Random random = new Random(c.name().hashCode());
        int[][] streams = new int[3][block];
        for (int[] stream : streams) for (int t = 0; t < block; t++) stream[t] = random.nextInt(vocab);

        // A token per call against the engine, at every position of the context.
        float[][] expected = alone(model, streams[0]);
        float worst = 0, spread = 0;
        for (int t = 0; t < block; t++) {
            float[] engine = engine(model, streams[0], t + 1);
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(worst, Math.abs(expected[t][v] - engine[v]));
                spread = Math.max(spread, Math.abs(expected[t][v] - expected[0][v]));
            }
        }
        assertTrue(worst < 1e-4, "worst difference from the engine " + worst);
        assertTrue(
                spread > 0.1, "the logits change along the context (by " + spread + "), so every position is a test");

        // Blocks of 1, 2, 3, ... tokens, each starting where the last ended.
        CachedDecoder blocks = CachedDecoder.of(model);
        long passes = blocks.forwardPasses(), calls = 0;
        for (int from = 0, size = 1; from < block; from += size, size++, calls++) {
            float[][] rows = blocks.next(Arrays.copyOfRange(streams[0], from, Math.min(block, from + size)));
            for (int k = 0; k < rows.length; k++)
                assertArrayEquals(expected[from + k], rows[k], "block from " + from + ", position " + (from + k));
        }
        assertEquals(passes + calls, blocks.forwardPasses(), "one pass per block");

        // Three sequences batched, joining one step apart (so each sits at its own position), each fed its own tokens.
        float[][][] alone = {expected, alone(model, streams[1]), alone(model, streams[2])};
        CachedDecoder root = CachedDecoder.of(model);
        List<CachedDecoder> sequences = List.of(root.newSequence(), root.newSequence(), root.newSequence());
        passes = root.forwardPasses();
        for (int step = 0; step < block + 2; step++) {
            List<CachedDecoder> batch = new ArrayList<>();
            List<Integer> members = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                if (step - k >= 0 && step - k < block) {
                    batch.add(sequences.get(k));
                    members.add(k);
                }
            }
            int at = step;
            float[][] rows = CachedDecoder.step(
                    batch, members.stream().mapToInt(k -> streams[k][at - k]).toArray());
            for (int i = 0; i < rows.length; i++) {
                int k = members.get(i);
                assertArrayEquals(
                        alone[k][step - k], rows[i], "step " + step + ", sequence " + k + " at position " + (step - k));
            }
        }
        assertEquals(passes + block + 2, root.forwardPasses(), "one pass per step");
    }
}
