package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import fasttrack.runtime.Setup;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RmsNormTest {

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

    @Test
    void dividesEachTokenByItsRootMeanSquareAndScales() {
        int c = 8;
        RmsNorm norm = new RmsNorm(c, 1e-5f);
        norm.initialize(nd, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 3, c));
        float[] g = LlamaFixtures.randomVector(new Random(1), c);
        fasttrack.tensors.Tensors.overwrite(norm.weight(), g);
        float[] x = LlamaFixtures.randomVector(new Random(2), 2 * 3 * c);
        float[] y = norm.forward(new ParameterStore(nd, false), new NDList(nd.create(x, new Shape(2, 3, c))), false)
                .singletonOrThrow()
                .toFloatArray();
        for (int t = 0; t < 6; t++) {
            double ss = 0;
            for (int i = 0; i < c; i++) ss += x[t * c + i] * x[t * c + i];
            double r = Math.sqrt(ss / c + 1e-5);
            for (int i = 0; i < c; i++) assertEquals(x[t * c + i] / r * g[i], y[t * c + i], 1e-5);
        }
        assertEquals(c, RmsNorm.parameterCount(c));
        assertEquals(c, norm.getParameters().get(0).getValue().getArray().size(), "one scale per channel, no shift");
    }

    @Test
    void equalsLayerNormOnZeroMeanTokensWithUnitScale() {
        int c = 16;
        float[] x = LlamaFixtures.randomVector(new Random(3), 4 * c);
        for (int t = 0; t < 4; t++) { // centre each token
            double mean = 0;
            for (int i = 0; i < c; i++) mean += x[t * c + i] / c;
            for (int i = 0; i < c; i++) x[t * c + i] -= mean;
        }
        NDArray in = nd.create(x, new Shape(1, 4, c));
        RmsNorm rms = new RmsNorm(c, 1e-5f);
        rms.initialize(nd, ai.djl.ndarray.types.DataType.FLOAT32, in.getShape());
        LayerNorm layer = LayerNorm.builder().axis(2).build();
        layer.initialize(nd, ai.djl.ndarray.types.DataType.FLOAT32, in.getShape());
        ParameterStore ps = new ParameterStore(nd, false);
        float[] a = rms.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
        float[] b = layer.forward(ps, new NDList(in), false).singletonOrThrow().toFloatArray();
        assertTrue(
                LlamaFixtures.maxAbsDiff(a, b) < 1e-4,
                "the mean is what LayerNorm adds: " + LlamaFixtures.maxAbsDiff(a, b));
    }

    @Test
    void refusesNoChannelsAndANonPositiveEpsilon() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RmsNorm(0, 1e-5f))
                .getMessage()
                .contains("channel"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RmsNorm(4, 0f))
                .getMessage()
                .contains("epsilon"));
    }
}
