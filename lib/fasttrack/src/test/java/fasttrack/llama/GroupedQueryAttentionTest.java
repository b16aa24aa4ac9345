package fasttrack.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.nn.KvCache;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupedQueryAttentionTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(3);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private GroupedQueryAttention attention(int c, int heads, int kv) {
        GroupedQueryAttention a =
                new GroupedQueryAttention(c, heads, kv, new Rope(c / heads, 10_000, Rope.Layout.HALF));
        a.initialize(nd, DataType.FLOAT32, new Shape(1, 4, c));
        Random random = new Random(heads * 10 + kv);
        for (NDArray w : new NDArray[] {a.queryWeight(), a.keyWeight(), a.valueWeight(), a.outputWeight()}) {
            float[] v = LlamaFixtures.randomVector(random, (int) w.size());
            for (int i = 0; i < v.length; i++) v[i] *= 0.3f;
            Tensors.overwrite(w, v);
        }
        return a;
    }

    @Test
    void repeatedKeyValueHeadsServeConsecutiveGroupsOfQueryHeads() {
        NDArray kv = nd.arange(2 * 3 * 4).toType(DataType.FLOAT32, false).reshape(1, 2, 3, 4);
        NDArray repeated = GroupedQueryAttention.repeatKv(kv, 3);
        assertEquals(new Shape(1, 6, 3, 4), repeated.getShape());
        for (int h = 0; h < 6; h++) {
            assertArrayEquals(
                    kv.get(new NDIndex("0, {}", h / 3)).toFloatArray(),
                    repeated.get(new NDIndex("0, {}", h)).toFloatArray(),
                    0f,
                    "head " + h);
        }
    }

    @Test
    void groupedQueryAttentionIsMultiHeadAttentionWithSharedKeyAndValueWeights() {
        int c = 32, heads = 4;
        GroupedQueryAttention gqa = attention(c, heads, 2), mha = attention(c, heads, heads);
        Tensors.overwrite(mha.queryWeight(), Tensors.floats(gqa.queryWeight()));
        Tensors.overwrite(mha.outputWeight(), Tensors.floats(gqa.outputWeight()));
        // MHA whose key/value heads 0,1 are GQA's head 0 and 2,3 its head 1.
        NDArray k = gqa.keyWeight().reshape(2, 1, 8, c).repeat(1, 2).reshape(4 * 8, c),
                v = gqa.valueWeight().reshape(2, 1, 8, c).repeat(1, 2).reshape(4 * 8, c);
        Tensors.overwrite(mha.keyWeight(), k.toFloatArray());
        Tensors.overwrite(mha.valueWeight(), v.toFloatArray());
        NDArray x = nd.randomNormal(new Shape(2, 5, c));
        ParameterStore ps = new ParameterStore(nd, false);
        float[] a = gqa.forward(ps, x, false, null).get(0).toFloatArray(),
                b = mha.forward(ps, x, false, null).get(0).toFloatArray();
        assertTrue(LlamaFixtures.maxAbsDiff(a, b) < 1e-5, "max difference " + LlamaFixtures.maxAbsDiff(a, b));
        assertEquals(
                GroupedQueryAttention.parameterCount(c, heads, 2),
                gqa.getParameters().stream()
                        .mapToLong(p -> p.getValue().getArray().size())
                        .sum());
        assertEquals(2L * c * c + 2L * c * 16, GroupedQueryAttention.parameterCount(c, heads, 2));
    }

    @Test
    void theCacheHoldsOnlyTheKeyValueHeadsAndReproducesTheFullForward() {
        int c = 32, heads = 4;
        for (int kv : new int[] {4, 2, 1}) {
            GroupedQueryAttention a = attention(c, heads, kv);
            NDArray x = nd.randomNormal(new Shape(1, 6, c));
            ParameterStore ps = new ParameterStore(nd, false);
            float[] full = a.forward(ps, x, false, null).get(0).toFloatArray();
            try (KvCache cache = new KvCache(nd, 1)) {
                NDList parts = new NDList(
                        a.forward(ps, x.get(":, 0:4"), false, cache.layer(0)).get(0));
                parts.add(a.forward(ps, x.get(":, 4:5"), false, cache.layer(0)).get(0));
                parts.add(a.forward(ps, x.get(":, 5:6"), false, cache.layer(0)).get(0));
                float[] cached = NDArrays.concat(parts, 1).toFloatArray();
                assertTrue(
                        LlamaFixtures.maxAbsDiff(full, cached) < 1e-5,
                        kv + " kv heads: " + LlamaFixtures.maxAbsDiff(full, cached));
                assertEquals(
                        2L * kv * 8 * 6 * 4,
                        cache.bytes(),
                        kv + " key/value heads of 8 floats, 6 positions, keys and values");
            }
        }
    }

    @Test
    void refusesHeadCountsThatDoNotDivide() {
        Rope rope = new Rope(8, 10_000, Rope.Layout.HALF);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupedQueryAttention(30, 4, 4, rope))
                .getMessage()
                .contains("not divisible by heads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupedQueryAttention(32, 4, 3, rope))
                .getMessage()
                .contains("does not divide heads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupedQueryAttention(32, 4, 8, rope))
                .getMessage()
                .contains("does not divide heads"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new GroupedQueryAttention(32, 4, 2, new Rope(16, 10_000, Rope.Layout.HALF)))
                .getMessage()
                .contains("head size 8"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new LlamaConfig(
                                        50, 16, 1, 4, 4, 36, 64, 10_000, 1e-5f, Rope.Layout.HALF, false, 0, 0))
                        .getMessage()
                        .contains("even"),
                "C 36 / 4 heads = 9: odd, no RoPE pairs");
    }
}
