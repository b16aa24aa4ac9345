package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TransformerBlockTest {

    private NDManager nd;

    @BeforeEach
    void scope() {
        Setup.seed(5);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void close() {
        nd.close();
    }

    @Test
    void parameterCountByHandMatchesTheModel() {
        for (boolean preNorm : new boolean[] {true, false}) {
            TransformerBlock block = new TransformerBlock(new TransformerBlock.Config(32, 4, 128, 0.1f, true, preNorm));
            block.initialize(nd, DataType.FLOAT32, new Shape(2, 10, 32));
            long counted = block.getParameters().stream()
                    .mapToLong(p -> p.getValue().getArray().size())
                    .sum();
            assertEquals(4 * 32 * 32 + 4 * 32 + 2 * 32 * 128 + 128 + 32 + 4 * 32, counted);
            assertEquals(counted, TransformerBlock.parameterCount(32, 128));
            NDArray out = block.forward(
                            new ParameterStore(nd, false), new NDList(nd.randomNormal(new Shape(2, 10, 32))), true)
                    .singletonOrThrow();
            assertEquals(new Shape(2, 10, 32), out.getShape());
        }
    }

    /** Autograd's gradient of the whole block against central differences, in float64, for parameters of every kind. */
    @Test
    void gradientsMatchFiniteDifferences() {
        TransformerBlock block = new TransformerBlock(new TransformerBlock.Config(8, 2, 16, 0f, true, true));
        block.initialize(nd, DataType.FLOAT64, new Shape(1, 4, 8));
        ParameterStore ps = new ParameterStore(nd, false);
        NDArray x = nd.randomNormal(new Shape(1, 4, 8), DataType.FLOAT64);
        NDArray probe = nd.randomNormal(new Shape(1, 4, 8), DataType.FLOAT64); // loss = Σ out · probe
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss(block, ps, x, probe));
        }
        int checked = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray weight = p.getValue().getArray();
            double[] grad = weight.getGradient().toDoubleArray();
            for (int index : new int[] {0, (int) weight.size() / 2, (int) weight.size() - 1}) {
                double h = 1e-5;
                nudge(weight, index, h);
                double up = loss(block, ps, x, probe).getDouble();
                nudge(weight, index, -2 * h);
                double down = loss(block, ps, x, probe).getDouble();
                nudge(weight, index, h);
                double numeric = (up - down) / (2 * h);
                assertEquals(
                        numeric, grad[index], 1e-6 * Math.max(1, Math.abs(numeric)), p.getKey() + "[" + index + "]");
                checked++;
            }
        }
        assertTrue(checked >= 30, "checked " + checked + " gradient entries across all parameters");
    }

    @Test
    void positionalEncodingsAddTheRightTables() {
        float[][] table = SinusoidalPositionalEncoding.table(50, 8);
        assertEquals(0f, table[0][0]);
        assertEquals(1f, table[0][1]);
        assertEquals((float) Math.sin(3 / Math.pow(10000, 2.0 / 8)), table[3][2], 1e-6);
        SinusoidalPositionalEncoding sinusoidal = new SinusoidalPositionalEncoding(50, 8);
        sinusoidal.initialize(nd, DataType.FLOAT32, new Shape(1, 5, 8));
        NDArray added = sinusoidal
                .forward(new ParameterStore(nd, false), new NDList(nd.zeros(new Shape(1, 5, 8))), false)
                .singletonOrThrow();
        assertEquals(table[4][6], added.getFloat(0, 4, 6), 1e-6);
        LearnedPositionalEmbedding learned = new LearnedPositionalEmbedding(50, 8);
        learned.initialize(nd, DataType.FLOAT32, new Shape(1, 5, 8));
        assertEquals(
                50 * 8, learned.getParameters().get(0).getValue().getArray().size());
        var tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> learned.forward(new ParameterStore(nd, false), new NDList(nd.zeros(new Shape(1, 51, 8))), false));
        assertTrue(tooLong.getMessage().contains("longer than the 50"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalPositionalEncoding(10, 7));
    }

    private static NDArray loss(TransformerBlock block, ParameterStore ps, NDArray x, NDArray probe) {
        return block.forward(ps, new NDList(x), true)
                .singletonOrThrow()
                .mul(probe)
                .sum();
    }

    /** Adds delta to one entry of a weight that requires gradients, through its detached view. */
    private static void nudge(NDArray weight, int flatIndex, double delta) {
        try (NDArray view = weight.stopGradient();
                NDArray flat = view.reshape(-1)) {
            flat.set(new NDIndex(flatIndex), flat.getDouble(flatIndex) + delta);
        }
    }
}
