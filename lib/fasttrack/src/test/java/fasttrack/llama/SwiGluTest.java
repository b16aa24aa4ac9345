package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwiGluTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(4);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void theHiddenWidthIsTwoThirdsOfFourCRoundedUp() {
        assertEquals(11_008, SwiGlu.hiddenSize(4096, 256), "Llama 2 7B");
        assertEquals(352, SwiGlu.hiddenSize(128, 32), "the course size: 341 rounded up to 352");
        assertEquals(341, SwiGlu.hiddenSize(128, 1));
        assertEquals(3L * 128 * 352, SwiGlu.parameterCount(128, 352));
        assertThrows(IllegalArgumentException.class, () -> SwiGlu.hiddenSize(128, 0));
    }

    @Test
    void computesDownOfSiluGateTimesUpWithoutBiases() {
        int c = 6, h = 10;
        SwiGlu ff = new SwiGlu(c, h);
        ff.initialize(nd, DataType.FLOAT32, new Shape(1, 2, c));
        assertEquals(
                SwiGlu.parameterCount(c, h),
                ff.getParameters().stream()
                        .mapToLong(p -> p.getValue().getArray().size())
                        .sum());
        Random random = new Random(2);
        float[] g = LlamaFixtures.randomVector(random, h * c),
                u = LlamaFixtures.randomVector(random, h * c),
                d = LlamaFixtures.randomVector(random, c * h);
        Tensors.overwrite(ff.gateWeight(), g);
        Tensors.overwrite(ff.upWeight(), u);
        Tensors.overwrite(ff.downWeight(), d);
        float[] x = LlamaFixtures.randomVector(random, 2 * c);
        float[] y = ff.forward(new ParameterStore(nd, false), new NDList(nd.create(x, new Shape(1, 2, c))), false)
                .singletonOrThrow()
                .toFloatArray();
        for (int t = 0; t < 2; t++) {
            double[] mid = new double[h];
            for (int j = 0; j < h; j++) {
                double a = 0, b = 0;
                for (int i = 0; i < c; i++) {
                    a += g[j * c + i] * x[t * c + i];
                    b += u[j * c + i] * x[t * c + i];
                }
                mid[j] = a / (1 + Math.exp(-a)) * b;
            }
            for (int i = 0; i < c; i++) {
                double out = 0;
                for (int j = 0; j < h; j++) out += d[i * h + j] * mid[j];
                assertEquals(out, y[t * c + i], 1e-4);
            }
        }
    }
}
