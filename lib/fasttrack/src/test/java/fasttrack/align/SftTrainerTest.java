package fasttrack.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Supervised finetuning: the response loss falls, and frozen layers stay bit-for-bit as they were. */
class SftTrainerTest {

    private static final String[][] ANSWERS = {{"a", "bad"}, {"b", "cab"}, {"c", "dab"}, {"d", "ace"}, {"e", "bed"}};

    private NDManager nd;
    private CharTokenizer tokenizer;
    private GptConfig config;
    private List<EncodedExample> examples;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        List<InstructionExample> raw = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String[] a : ANSWERS) {
            InstructionExample e = new InstructionExample("define", "define " + a[0], a[1]);
            raw.add(e);
            text.append(ChatTemplate.conversation(e));
        }
        tokenizer = CharTokenizer.fit(text.toString());
        config = new GptConfig(tokenizer.vocabSize(), 24, 2, 2, 16, 0f, false);
        examples = new ArrayList<>();
        for (InstructionExample e : raw) examples.add(EncodedExample.of(e, tokenizer, config.blockSize()));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private Gpt model() {
        Setup.seed(3);
        return new Gpt(config).initialize(nd);
    }

    /** Copies of the arrays' values, to compare after training. */
    private static List<float[]> values(List<NDArray> arrays) {
        return arrays.stream().map(NDArray::toFloatArray).toList();
    }

    private static List<NDArray> block(Gpt model, int i) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.blocks().get(i).getParameters())
            out.add(p.getValue().getArray());
        return out;
    }

    private static List<NDArray> embeddings(Gpt model) {
        return List.of(model.tokenEmbeddings(), model.positionEmbeddings());
    }

    private static void assertUnchanged(List<float[]> before, List<NDArray> now, String what) {
        for (int i = 0; i < before.size(); i++)
            assertArrayEquals(
                    before.get(i), now.get(i).toFloatArray(), what + ", array " + i + " is bit-for-bit unchanged");
    }

    private static void assertEveryArrayChanged(List<float[]> before, List<NDArray> now, String what) {
        for (int i = 0; i < before.size(); i++) {
            assertFalse(Arrays.equals(before.get(i), now.get(i).toFloatArray()), what + ", array " + i + " changed");
        }
    }

    private static boolean anyChanged(List<float[]> before, List<NDArray> now) {
        for (int i = 0; i < before.size(); i++)
            if (!Arrays.equals(before.get(i), now.get(i).toFloatArray())) return true;
        return false;
    }

    @Test
    void theResponseLossOnTheTrainingExamplesFallsClearly() {
        Gpt model = model();
        double before = MaskedLoss.meanLoss(model, examples, nd);
        assertEquals(Math.log(tokenizer.vocabSize()), before, 0.1, "an untrained model guesses about uniformly");
        try (SftTrainer trainer = new SftTrainer(
                model, examples, PostTraining.Config.of(60, 2e-2f).withBatchSize(8), Unfreezing.full(), nd)) {
            trainer.train(60);
            assertEquals(60, trainer.step());
            assertEquals(60, trainer.losses().size());
            assertEquals(before, trainer.losses().get(0), 0.1, "the first batch loss is the untrained loss");
        }
        double after = MaskedLoss.meanLoss(model, examples, nd);
        assertTrue(after < 0.4 * before, "the response loss fell from " + before + " to " + after);
    }

    @Test
    void theMeanLossWeighsEveryResponseTokenEqually() {
        Gpt model = model();
        double mean = MaskedLoss.meanLoss(model, examples, nd);
        try (NDManager scope = nd.newSubManager()) {
            MaskedLoss.Batch a = MaskedLoss.arrays(ResponseBatch.of(examples), scope);
            double direct = MaskedLoss.loss(
                            model.logits(new ParameterStore(scope, false), a.inputs(), false), a.targets(), a.mask())
                    .getFloat();
            assertEquals(direct, mean, 1e-5);
        }
        // log π(response | prompt) is the sum over the response tokens: negative, and the same one example at a time.
        double[] all = MaskedLoss.logLikelihoods(model, examples, nd);
        for (int i = 0; i < examples.size(); i++) {
            assertTrue(all[i] < 0);
            assertEquals(
                    all[i],
                    MaskedLoss.logLikelihoods(model, List.of(examples.get(i)), nd)[0],
                    1e-5,
                    "example " + i + " alone");
        }
    }

    @Test
    void withTheTopBlockUnfrozenTheLowerBlockAndTheEmbeddingsStayBitForBit() {
        Gpt model = model();
        List<float[]> block0 = values(block(model, 0)),
                block1 = values(block(model, 1)),
                embeddings = values(embeddings(model));
        float[] head = model.outputWeights().toFloatArray();
        long block1Size = block(model, 1).stream().mapToLong(NDArray::size).sum();
        try (SftTrainer trainer = new SftTrainer(
                model, examples, PostTraining.Config.of(20, 1e-2f).withBatchSize(8), Unfreezing.topBlocks(1), nd)) {
            long expected = block1Size
                    + 2L * config.embedDim()
                    + (long) config.embedDim() * config.vocabSize(); // block 1, final norm, head
            assertEquals(expected, trainer.updatableParameters());
            trainer.train(20);
            for (NDArray w : block(model, 0)) {
                try (NDArray gradient = w.getGradient()) {
                    for (float v : gradient.toFloatArray())
                        assertTrue(v == 0.0f, "no gradient accumulates in a frozen block: " + v);
                }
            }
            double first = trainer.losses().get(0), last = trainer.losses().get(19);
            assertTrue(last < first, "the top block and head still learn: " + first + " -> " + last);
        }
        assertUnchanged(block0, block(model, 0), "block 0");
        assertUnchanged(embeddings, embeddings(model), "the embeddings");
        assertEveryArrayChanged(block1, block(model, 1), "block 1");
        assertFalse(Arrays.equals(head, model.outputWeights().toFloatArray()), "the head trains");
    }

    @Test
    void aTiedHeadTrainsWithTheHeadWhileThePositionsStayFrozen() {
        config = config.withTiedWeights(true);
        Gpt model = model();
        float[] positions = model.positionEmbeddings().toFloatArray(),
                table = model.tokenEmbeddings().toFloatArray();
        long block1Size = block(model, 1).stream().mapToLong(NDArray::size).sum();
        try (SftTrainer trainer = new SftTrainer(
                model, examples, PostTraining.Config.of(5, 1e-2f).withBatchSize(8), Unfreezing.topBlocks(1), nd)) {
            long expected = block1Size
                    + 2L * config.embedDim()
                    + (long) config.embedDim() * config.vocabSize(); // block 1, final norm, tied head
            assertEquals(expected, trainer.updatableParameters());
            trainer.train(5);
        }
        assertFalse(
                Arrays.equals(table, model.tokenEmbeddings().toFloatArray()), "the token table is the head: it trains");
        assertArrayEquals(
                positions, model.positionEmbeddings().toFloatArray(), "the position table is an embedding: frozen");
    }

    @Test
    void gradualUnfreezingAddsABlockEveryKStepsThenTheEmbeddings() {
        Unfreezing gradual = Unfreezing.gradual(5);
        assertEquals(1, gradual.blocks(0, 3));
        assertEquals(1, gradual.blocks(4, 3));
        assertEquals(2, gradual.blocks(5, 3));
        assertEquals(2, gradual.blocks(9, 3));
        assertEquals(3, gradual.blocks(10, 3));
        assertEquals(3, gradual.blocks(1000, 3), "never more blocks than the model has");
        assertFalse(gradual.embeddings(0, 3));
        assertFalse(gradual.embeddings(10, 3), "every block trains, the embeddings not yet");
        assertFalse(gradual.embeddings(14, 3));
        assertTrue(gradual.embeddings(15, 3), "one period after the last block");
        // Fixed policies.
        Unfreezing top = Unfreezing.topBlocks(2);
        assertEquals(2, top.blocks(0, 4));
        assertEquals(2, top.blocks(1000, 4));
        assertEquals(2, top.blocks(1000, 2));
        assertEquals(1, top.blocks(0, 1));
        assertFalse(top.embeddings(1000, 2), "a fixed top-k never trains the embeddings");
        assertEquals(4, Unfreezing.full().blocks(0, 4));
        assertTrue(Unfreezing.full().embeddings(0, 4));
    }

    @Test
    void gradualUnfreezingChangesTheLowerBlockOnlyOnceItsTurnHasCome() {
        Gpt model = model();
        List<float[]> block0 = values(block(model, 0)),
                block1 = values(block(model, 1)),
                embeddings = values(embeddings(model));
        try (SftTrainer trainer = new SftTrainer(
                model, examples, PostTraining.Config.of(20, 1e-2f).withBatchSize(8), Unfreezing.gradual(5), nd)) {
            long topOnly = trainer.updatableParameters();
            trainer.train(5); // steps 0..4: the top block only
            assertUnchanged(block0, block(model, 0), "block 0 after 5 steps");
            assertUnchanged(embeddings, embeddings(model), "the embeddings after 5 steps");
            assertEveryArrayChanged(block1, block(model, 1), "block 1 after 5 steps");
            long bothBlocks = trainer.updatableParameters();
            assertEquals(
                    block(model, 0).stream().mapToLong(NDArray::size).sum(),
                    bothBlocks - topOnly,
                    "step 5 adds block 0");
            trainer.train(1); // step 5: block 0 joins
            assertTrue(anyChanged(block0, block(model, 0)), "block 0 trains from step 5");
            assertUnchanged(embeddings, embeddings(model), "the embeddings after 6 steps");
            trainer.train(4); // steps 6..9
            assertUnchanged(embeddings, embeddings(model), "the embeddings after 10 steps");
            trainer.train(1); // step 10: 1 + 10/5 = 3 > 2 blocks, the embeddings join
            assertEveryArrayChanged(embeddings, embeddings(model), "the embeddings after 11 steps");
        }
    }

    @Test
    void finetuningNeedsExamplesThatFitTheContext() {
        Gpt model = model();
        var none = assertThrows(
                IllegalArgumentException.class,
                () -> new SftTrainer(model, List.of(), PostTraining.Config.of(5, 1e-3f), Unfreezing.full(), nd));
        assertTrue(none.getMessage().contains("at least one example"), none.getMessage());
        // "Q: define a\nA: bad\n" is 19 tokens: 18 inputs do not fit a context of 12.
        Gpt small = new Gpt(new GptConfig(config.vocabSize(), 12, 1, 2, 16, 0f, false)).initialize(nd);
        var tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> new SftTrainer(small, examples, PostTraining.Config.of(5, 1e-3f), Unfreezing.full(), nd));
        assertTrue(tooLong.getMessage().contains("does not fit the context of 12"), tooLong.getMessage());
        model.freezeParameters(true);
        var frozen = assertThrows(
                IllegalArgumentException.class,
                () -> new SftTrainer(model, examples, PostTraining.Config.of(5, 1e-3f), Unfreezing.full(), nd));
        assertTrue(frozen.getMessage().contains("nothing to train"), frozen.getMessage());
    }

    @Test
    void badUnfreezingPoliciesAndRunsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Unfreezing.gradual(0));
        assertThrows(IllegalArgumentException.class, () -> new Unfreezing("x", -2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Unfreezing("x", 1, -1));
        assertThrows(IllegalArgumentException.class, () -> PostTraining.Config.of(0, 1e-3f));
        assertThrows(
                IllegalArgumentException.class,
                () -> PostTraining.Config.of(10, 1e-3f).withBatchSize(0));
    }
}
