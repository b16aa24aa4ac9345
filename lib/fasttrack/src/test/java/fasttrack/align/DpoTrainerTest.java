package fasttrack.align;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Direct Preference Optimization: the loss by hand, a frozen reference, and a margin that grows. */
class DpoTrainerTest {

    private static final String[] PROMPTS = {"ab", "bc", "cd", "de", "ea", "ac"};
    private static final float BETA = 0.5f;

    private NDManager nd;
    private CharTokenizer tokenizer;
    private GptConfig config;
    private List<PreferencePair.Encoded> pairs;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        // Each prompt's preferred answer repeats it, the rejected one reverses it.
        List<PreferencePair> raw = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String p : PROMPTS) {
            PreferencePair pair = new PreferencePair(
                    "copy", p, p, new StringBuilder(p).reverse().toString());
            raw.add(pair);
            text.append(ChatTemplate.conversation(new InstructionExample("copy", p, pair.chosen())))
                    .append(ChatTemplate.conversation(new InstructionExample("copy", p, pair.rejected())));
        }
        tokenizer = CharTokenizer.fit(text.toString());
        config = new GptConfig(tokenizer.vocabSize(), 16, 1, 2, 16, 0f, false);
        pairs = new ArrayList<>();
        for (PreferencePair pair : raw) pairs.add(pair.encode(tokenizer, config.blockSize()));
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private NDArray scalar(float value) {
        return nd.create(new float[] {value});
    }

    @Test
    void theLossIsMinusLogSigmoidOfBetaTimesTheRewardMargin() {
        // z = 0.5·((−3 − (−4)) − (−5 − (−4))) = 0.5·(1 + 1) = 1
        double loss = DpoTrainer.loss(scalar(-3), scalar(-5), scalar(-4), scalar(-4), 0.5f)
                .getFloat();
        assertEquals(Math.log(1 + Math.exp(-1)), loss, 1e-6);
        // Two pairs are averaged: the second has z = 0.5·((−6 + 4) − (−4 + 6)) = −2.
        NDArray pc = nd.create(new float[] {-3, -6}), pr = nd.create(new float[] {-5, -4});
        NDArray rc = nd.create(new float[] {-4, -4}), rr = nd.create(new float[] {-4, -6});
        double mean = DpoTrainer.loss(pc, pr, rc, rr, 0.5f).getFloat();
        assertEquals((Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(2))) / 2, mean, 1e-6);
        // Policy equal to the reference: z = 0, the loss is log 2 whatever β is.
        assertEquals(
                Math.log(2),
                DpoTrainer.loss(scalar(-7), scalar(-2), scalar(-7), scalar(-2), 3f)
                        .getFloat(),
                1e-6);
    }

    @Test
    void theGradientPushesTheChosenAnswerUpByBetaTimesSigmoidOfMinusZ() {
        NDArray chosen = scalar(-3);
        chosen.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(DpoTrainer.loss(chosen, scalar(-5), scalar(-4), scalar(-4), 0.5f));
        }
        // d/dπ_w −log σ(z) = −β·σ(−z), at z = 1
        assertEquals(-0.5 / (1 + Math.exp(1)), chosen.getGradient().getFloat(), 1e-6);
    }

    @Test
    void hugeMarginsGiveFiniteLossesAndGradients() {
        // z = 0.5·(400 − 0) = 200: e^z overflows float, the loss must still be ≈ 0.
        NDArray chosen = scalar(0);
        chosen.setRequiresGradient(true);
        double confident;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = DpoTrainer.loss(chosen, scalar(-400), scalar(0), scalar(0), 0.5f);
            confident = loss.getFloat();
            collector.backward(loss);
        }
        assertTrue(Double.isFinite(confident), "z = 200: " + confident);
        assertEquals(0, confident, 1e-6);
        float gradient = chosen.getGradient().getFloat();
        assertTrue(Float.isFinite(gradient), "gradient at z = 200: " + gradient);
        assertEquals(0, gradient, 1e-6);
        // z = −200: the loss is ≈ 200, not infinite.
        double wrong = DpoTrainer.loss(scalar(-400), scalar(0), scalar(0), scalar(0), 0.5f)
                .getFloat();
        assertTrue(Double.isFinite(wrong), "z = −200: " + wrong);
        assertEquals(200, wrong, 1e-3);
    }

    /** A model initialised from seed 5: called twice, two separate objects with the same weights. */
    private Gpt model() {
        Setup.seed(5);
        return new Gpt(config).initialize(nd);
    }

    private static List<float[]> weights(Gpt model) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.getParameters())
            out.add(p.getValue().getArray().toFloatArray());
        return out;
    }

    /** The mean of β·((log π_w − log ref_w) − (log π_l − log ref_l)) over every training pair. */
    private double meanMargin(Gpt policy, Gpt reference) {
        List<EncodedExample> chosen = new ArrayList<>(), rejected = new ArrayList<>();
        for (PreferencePair.Encoded p : pairs) {
            chosen.add(p.chosen());
            rejected.add(p.rejected());
        }
        double[] pw = MaskedLoss.logLikelihoods(policy, chosen, nd),
                pl = MaskedLoss.logLikelihoods(policy, rejected, nd);
        double[] rw = MaskedLoss.logLikelihoods(reference, chosen, nd),
                rl = MaskedLoss.logLikelihoods(reference, rejected, nd);
        double sum = 0;
        for (int i = 0; i < pairs.size(); i++) sum += BETA * ((pw[i] - rw[i]) - (pl[i] - rl[i]));
        return sum / pairs.size();
    }

    @Test
    void trainingMovesThePolicyAndLeavesTheReferenceBitForBitUnchanged() {
        Gpt policy = model(), reference = model();
        List<float[]> policyBefore = weights(policy), referenceBefore = weights(reference);
        for (int i = 0; i < policyBefore.size(); i++) {
            assertArrayEquals(
                    referenceBefore.get(i), policyBefore.get(i), "same seed, same initial weights: parameter " + i);
        }
        assertEquals(0, meanMargin(policy, reference), 1e-9, "no margin before training");
        assertFalse(DpoTrainer.frozen(reference));
        PostTraining.Config run = PostTraining.Config.of(30, 1e-2f).withBatchSize(4);
        try (DpoTrainer trainer = new DpoTrainer(policy, reference, pairs, BETA, run, nd)) {
            assertTrue(DpoTrainer.frozen(reference), "the trainer freezes the reference");
            assertFalse(DpoTrainer.frozen(policy));
            assertEquals(BETA, trainer.beta());
            DpoTrainer.Step first = trainer.trainStep();
            assertEquals(Math.log(2), first.loss(), 1e-5, "the policy starts at the reference: z = 0");
            assertEquals(0, first.margin(), 1e-6);
            assertEquals(0, first.accuracy());
            trainer.train(1000); // runs to the end of the run, no further
            assertEquals(30, trainer.step());
            assertEquals(30, trainer.history().size());
            assertThrows(IllegalStateException.class, trainer::trainStep);
            List<DpoTrainer.Step> history = trainer.history();
            assertTrue(
                    history.get(29).loss() < history.get(0).loss(),
                    "the batch loss fell: " + history.get(0).loss() + " -> "
                            + history.get(29).loss());
        }
        List<float[]> policyAfter = weights(policy), referenceAfter = weights(reference);
        boolean policyChanged = false;
        for (int i = 0; i < referenceBefore.size(); i++) {
            assertArrayEquals(
                    referenceBefore.get(i),
                    referenceAfter.get(i),
                    "reference parameter " + i + " is bit-for-bit unchanged");
            policyChanged |= !java.util.Arrays.equals(policyBefore.get(i), policyAfter.get(i));
        }
        assertTrue(policyChanged, "the policy's weights moved");
        assertTrue(DpoTrainer.frozen(reference));
        double margin = meanMargin(policy, reference);
        assertTrue(margin > 0.5, "the mean margin on the training pairs grew from 0 to " + margin);
        double kl = DpoTrainer.klDivergence(
                policy, reference, List.of(pairs.get(0).chosen(), pairs.get(1).rejected()), nd);
        assertTrue(kl > 0, "the policy moved away from the reference: KL " + kl);
        assertEquals(
                0,
                DpoTrainer.klDivergence(
                        reference, reference, List.of(pairs.get(0).chosen()), nd),
                1e-6,
                "KL of a model to itself");
    }

    @Test
    void thePolicyAndTheReferenceMustBeSeparateObjects() {
        Gpt policy = model();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new DpoTrainer(policy, policy, pairs, BETA, PostTraining.Config.of(5, 1e-3f), nd));
        assertTrue(e.getMessage().contains("separate copy"), e.getMessage());
        assertFalse(DpoTrainer.frozen(policy), "a refused trainer freezes nothing");
    }

    @Test
    void betaMustBePositiveAndFinite() {
        Gpt policy = model(), reference = model();
        for (float beta : new float[] {0f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new DpoTrainer(policy, reference, pairs, beta, PostTraining.Config.of(5, 1e-3f), nd),
                    "beta " + beta);
            assertTrue(e.getMessage().contains("beta must be > 0"), e.getMessage());
        }
        assertFalse(DpoTrainer.frozen(reference), "a refused trainer leaves the reference as it was");
    }

    @Test
    void otherBadSetupsAreRefused() {
        Gpt policy = model(), reference = model();
        var empty = assertThrows(
                IllegalArgumentException.class,
                () -> new DpoTrainer(policy, reference, List.of(), BETA, PostTraining.Config.of(5, 1e-3f), nd));
        assertTrue(empty.getMessage().contains("at least one preference pair"), empty.getMessage());
        Gpt wider = new Gpt(new GptConfig(config.vocabSize(), 16, 1, 2, 32, 0f, false)).initialize(nd);
        var shapes = assertThrows(
                IllegalArgumentException.class,
                () -> new DpoTrainer(policy, wider, pairs, BETA, PostTraining.Config.of(5, 1e-3f), nd));
        assertTrue(shapes.getMessage().contains("same configuration"), shapes.getMessage());
    }
}
