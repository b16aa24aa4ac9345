package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPT-2's tanh GELU as a model option: the formula, its gradient, and configurations written before it existed. */
class GeluTanhTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(5);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private static double tanhForm(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    @Test
    void theTanhFormIsGpt2sFormulaAndCloseToButNotTheExactGelu() {
        NDArray xs = nd.linspace(-6f, 6f, 1201);
        float[] tanh = FeedForward.Activation.GELU_TANH.apply(xs).toFloatArray(),
                exact = FeedForward.Activation.GELU.apply(xs).toFloatArray();
        float[] x = xs.toFloatArray();
        double gap = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(tanhForm(x[i]), tanh[i], 2e-6, "x = " + x[i]);
            gap = Math.max(gap, Math.abs(tanh[i] - exact[i]));
        }
        assertTrue(gap > 1e-4 && gap < 1e-3, "two different functions, within 1e-3 of each other: " + gap);
    }

    @Test
    void itsGradientIsTheDerivativeOfTheFormula() {
        NDArray x = nd.create(new float[] {-3f, -1f, -0.2f, 0f, 0.5f, 1.5f, 4f});
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(FeedForward.Activation.GELU_TANH.apply(x).sum());
        }
        float[] grad = x.getGradient().toFloatArray(), at = x.toFloatArray();
        for (int i = 0; i < at.length; i++) {
            double h = 1e-4, numeric = (tanhForm(at[i] + h) - tanhForm(at[i] - h)) / (2 * h);
            assertEquals(numeric, grad[i], 1e-4, "d/dx at " + at[i]);
        }
    }

    @Test
    void aModelUsesTheActivationItsConfigNames() {
        GptConfig exact = new GptConfig(20, 8, 1, 2, 16, 0f, true);
        assertEquals(
                FeedForward.Activation.GELU,
                exact.activation(),
                "the 7-argument constructor keeps the course's exact GELU");
        assertEquals(FeedForward.Activation.GELU, new TransformerBlock.Config(16, 2, 64, 0f, true, true).activation());
        GptConfig tanh = exact.withActivation(FeedForward.Activation.GELU_TANH);
        assertEquals(FeedForward.Activation.GELU_TANH, tanh.withDropout(0.2f).activation(), "withDropout keeps it");
        Gpt a = new Gpt(exact).initialize(nd), b = new Gpt(tanh).initialize(nd);
        assertEquals(
                FeedForward.Activation.GELU_TANH,
                b.blocks().get(0).feedForward().activation());
        for (int i = 0; i < a.getParameters().size(); i++) { // the same weights (copyWeightsFrom wants equal configs)
            Tensors.overwrite(
                    b.getParameters().get(i).getValue().getArray(),
                    Tensors.floats(a.getParameters().get(i).getValue().getArray()));
        }
        NDArray ids = nd.create(new int[] {1, 4, 9, 2}, new Shape(1, 4));
        ParameterStore ps = new ParameterStore(nd, false);
        float[] la = a.logits(ps, ids, false).toFloatArray(),
                lb = b.logits(ps, ids, false).toFloatArray();
        double gap = 0;
        for (int i = 0; i < la.length; i++) gap = Math.max(gap, Math.abs(la[i] - lb[i]));
        assertTrue(gap > 0 && gap < 1e-2, "same weights, the other GELU: close but different logits (" + gap + ")");
    }

    @Test
    void configurationsSavedBeforeTheOptionReadAsTheExactGelu() {
        String old =
                "{\"vocabSize\":65,\"blockSize\":128,\"layers\":4,\"heads\":4,\"embedDim\":128,\"dropout\":0.0,\"tieWeights\":false}";
        GptConfig read = new Gson().fromJson(old, GptConfig.class);
        assertEquals(
                new GptConfig(65, 128, 4, 4, 128, 0f, false),
                read,
                "a checkpoint's header from before keeps meaning the same model");
        GptConfig gpt2 = GptConfig.gpt2Small();
        assertEquals(gpt2, new Gson().fromJson(new Gson().toJson(gpt2), GptConfig.class));
        assertNotEquals(gpt2, gpt2.withActivation(FeedForward.Activation.GELU));
        assertEquals(124_439_808L, gpt2.parameterCount());
    }
}
