package fasttrack.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {

    private NDManager nd;
    private Gpt model;

    @BeforeEach
    void setUp() {
        Setup.seed(13);
        nd = Setup.manager().newSubManager();
        model = new Gpt(new GptConfig(11, 16, 2, 2, 16, 0.1f, false)).initialize(nd);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private Map<String, float[]> snapshot() {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getParameters())
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        return values;
    }

    @Test
    void itZerosTheSmallestHalfOfEveryMatrix() {
        Map<String, NDArray> linear = LinearWeights.of(model);
        Map<String, float[]> before = new LinkedHashMap<>();
        linear.forEach((name, w) -> before.put(name, w.toFloatArray()));
        Map<String, float[]> all = snapshot();

        MagnitudePruning pruning = MagnitudePruning.prune(model, 0.5);
        assertEquals(0.5, pruning.sparsity(), 1e-3);
        for (String name : linear.keySet()) {
            float[] original = before.get(name), pruned = linear.get(name).toFloatArray();
            float largestPruned = 0, smallestKept = Float.POSITIVE_INFINITY;
            int zeros = 0;
            for (int i = 0; i < pruned.length; i++) {
                if (pruned[i] == 0) {
                    zeros++;
                    largestPruned = Math.max(largestPruned, Math.abs(original[i]));
                } else {
                    assertEquals(original[i], pruned[i], 0f, name + ": a kept weight is unchanged");
                    smallestKept = Math.min(smallestKept, Math.abs(original[i]));
                }
            }
            assertEquals(0.5, (double) zeros / pruned.length, 1e-3, name);
            assertTrue(
                    largestPruned <= smallestKept,
                    name + ": pruned up to " + largestPruned + ", kept from " + smallestKept);
        }
        // Embeddings, norms and biases are untouched.
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (linear.values().stream().noneMatch(w -> w == array))
                assertArrayEquals(all.get(p.getKey()), array.toFloatArray(), 0f, p.getKey());
        }
    }

    @Test
    void applyZerosThePrunedWeightsAgainAfterTheyMove() {
        MagnitudePruning pruning = MagnitudePruning.prune(model, 0.5);
        Map<String, NDArray> linear = LinearWeights.of(model);
        Map<String, boolean[]> zeroAt = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : linear.entrySet()) {
            float[] values = e.getValue().toFloatArray();
            boolean[] zero = new boolean[values.length];
            for (int i = 0; i < values.length; i++) {
                zero[i] = values[i] == 0;
                values[i] += 0.5f; // an "optimiser step" that moves every weight
            }
            zeroAt.put(e.getKey(), zero);
            Tensors.overwrite(e.getValue(), values);
        }
        assertEquals(0, pruning.sparsity(), 1e-3, "the step filled the zeros in");
        Map<String, float[]> moved = new LinkedHashMap<>();
        linear.forEach((name, w) -> moved.put(name, w.toFloatArray()));

        pruning.apply();
        assertEquals(0.5, pruning.sparsity(), 1e-3);
        for (String name : linear.keySet()) {
            float[] now = linear.get(name).toFloatArray();
            for (int i = 0; i < now.length; i++) {
                assertEquals(
                        zeroAt.get(name)[i] ? 0f : moved.get(name)[i],
                        now[i],
                        0f,
                        name + "[" + i + "]: the same mask, the kept weights as moved");
            }
        }
    }

    @Test
    void noSparsityChangesNothing() {
        Map<String, float[]> before = snapshot();
        assertEquals(0, MagnitudePruning.prune(model, 0).sparsity());
        Map<String, float[]> after = snapshot();
        for (String name : before.keySet()) assertArrayEquals(before.get(name), after.get(name), 0f, name);
    }

    @Test
    void keepLargestBreaksTiesByPosition() {
        boolean[] keep = MagnitudePruning.keepLargest(new float[] {0.3f, -0.1f, 0.1f, -0.5f, 0.2f}, 2);
        assertArrayEquals(new boolean[] {true, false, false, true, true}, keep);
        keep = MagnitudePruning.keepLargest(new float[] {1f, -1f, 1f, -1f}, 3);
        assertArrayEquals(new boolean[] {false, false, false, true}, keep);
    }

    @Test
    void sparsityOutsideZeroToOneIsRefused() {
        for (double bad : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> MagnitudePruning.prune(model, bad), "sparsity " + bad);
        }
    }
}
