package fasttrack.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fasttrack.interpret.AttentionOnlyTransformer.Config;
import fasttrack.interpret.AttentionOnlyTransformer.Forward;
import fasttrack.interpret.HeadAblation.Head;
import fasttrack.runtime.Setup;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The attention-only transformer: shapes, causality, reproducibility, ablation, snapshots, circuits. */
class AttentionOnlyTransformerTest {

    private static final int V = 12, T = 16, LAYERS = 2, HEADS = 2, D = 8, C = HEADS * D;
    private static final Config CONFIG = new Config(V, T, LAYERS, HEADS, D);

    private NDManager nd;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private NDArray randomTokens(long seed, int batch, int t) {
        Random random = new Random(seed);
        int[] ids = new int[batch * t];
        for (int i = 0; i < ids.length; i++) ids[i] = random.nextInt(V);
        return nd.create(ids, new Shape(batch, t));
    }

    private static float maxAbsDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    // ---- configuration and structure ----

    @Test
    void theConfigRefusesBadValuesAndTheWidthIsHeadsTimesHeadDim() {
        assertEquals(16, CONFIG.width());
        assertEquals(15, new Config(5, 4, 1, 3, 5).width());
        IllegalArgumentException vocab = assertThrows(IllegalArgumentException.class, () -> new Config(1, 16, 1, 1, 1));
        assertTrue(vocab.getMessage().contains("vocabSize"), vocab.getMessage());
        IllegalArgumentException context =
                assertThrows(IllegalArgumentException.class, () -> new Config(12, 1, 1, 1, 1));
        assertTrue(context.getMessage().contains("context"), context.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Config(12, 16, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Config(12, 16, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Config(12, 16, 1, 1, 0));
    }

    @Test
    void theParameterCountIsEmbeddingsPlusFourMatricesPerLayerPlusUnembedding() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            // V·C + T·C + layers·4·C·C + C·V = 192 + 256 + 2048 + 192.
            assertEquals(2688, model.parameterCount());
        }
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(new Config(7, 5, 3, 3, 2), nd, 1)) {
            // C = 6: 42 + 30 + 3·4·36 + 42.
            assertEquals(42 + 30 + 432 + 42, model.parameterCount());
        }
    }

    @Test
    void theWeightsHaveTheirDocumentedShapes() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            Map<String, NDArray> w = model.weights();
            assertEquals(new Shape(V, C), w.get("embedding").getShape());
            assertEquals(new Shape(T, C), w.get("positions").getShape());
            assertEquals(new Shape(HEADS, C, D), w.get("layer1.query").getShape());
            assertEquals(new Shape(HEADS, D, C), w.get("layer0.output").getShape());
            assertEquals(new Shape(C, V), w.get("unembedding").getShape());
            assertEquals(new Shape(C, D), model.headMatrix(1, 1, "key").getShape());
            assertEquals(new Shape(D, C), model.headMatrix(0, 1, "output").getShape());
            assertEquals(new Shape(C, C), model.ovMatrix(0, 0).getShape());
            assertEquals(new Shape(V, V), model.ovCircuit(1, 0).getShape());
        }
    }

    /** Head {@code head}'s block of a stacked (H, ·, ·) weight, by hand on the flat array. */
    private static float[] block(AttentionOnlyTransformer model, String name, int head) {
        float[] stacked = model.weights().get(name).toFloatArray();
        return Arrays.copyOfRange(stacked, head * C * D, (head + 1) * C * D);
    }

    @Test
    void theHeadAccessorsReadTheHeadsSliceOfTheStackedWeights() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 3)) {
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int head = 0; head < HEADS; head++) {
                    assertArrayEquals(
                            block(model, "layer" + layer + ".query", head),
                            model.query(layer, head).toFloatArray());
                    assertArrayEquals(
                            block(model, "layer" + layer + ".key", head),
                            model.key(layer, head).toFloatArray());
                    assertArrayEquals(
                            block(model, "layer" + layer + ".value", head),
                            model.value(layer, head).toFloatArray());
                    assertArrayEquals(
                            block(model, "layer" + layer + ".output", head),
                            model.output(layer, head).toFloatArray());
                    assertArrayEquals(
                            block(model, "layer" + layer + ".value", head),
                            model.headMatrix(layer, head, "value").toFloatArray());
                }
            }
            assertEquals(new Shape(C, D), model.query(1, 0).getShape());
            assertEquals(new Shape(D, C), model.output(1, 0).getShape());
            assertArrayEquals(
                    model.weights().get("positions").toFloatArray(),
                    model.positions().toFloatArray());
            assertArrayEquals(
                    model.weights().get("embedding").toFloatArray(),
                    model.embedding().toFloatArray());
            assertArrayEquals(
                    model.weights().get("unembedding").toFloatArray(),
                    model.unembedding().toFloatArray());
            assertFalse(
                    Arrays.equals(
                            model.query(0, 0).toFloatArray(), model.key(0, 0).toFloatArray()),
                    "distinct matrices");
        }
    }

    @Test
    void theOvMatrixIsValueTimesOutput() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 3)) {
            double[][] expected = times(
                    slice(model.weights().get("layer1.value").toFloatArray(), 1, C, D),
                    slice(model.weights().get("layer1.output").toFloatArray(), 1, D, C));
            float[] actual = model.ovMatrix(1, 1).toFloatArray();
            for (int i = 0; i < C; i++)
                for (int j = 0; j < C; j++) assertEquals(expected[i][j], actual[i * C + j], 1e-5, i + ", " + j);
        }
    }

    @Test
    void headMatrixRefusesOutOfRangeHeadsNamingTheValidRange() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            IllegalArgumentException layer =
                    assertThrows(IllegalArgumentException.class, () -> model.headMatrix(2, 0, "query"));
            assertTrue(layer.getMessage().contains("layers 0..1"), layer.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.headMatrix(-1, 0, "query"));
            IllegalArgumentException head =
                    assertThrows(IllegalArgumentException.class, () -> model.headMatrix(0, 2, "query"));
            assertTrue(head.getMessage().contains("heads 0..1"), head.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.headMatrix(0, -1, "query"));
            IllegalArgumentException viaQuery = assertThrows(IllegalArgumentException.class, () -> model.query(2, 0));
            assertTrue(viaQuery.getMessage().contains("layers 0..1"), viaQuery.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.key(0, 2));
            assertThrows(IllegalArgumentException.class, () -> model.value(0, -1));
            assertThrows(IllegalArgumentException.class, () -> model.output(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> model.ovMatrix(0, 2));
            IllegalArgumentException matrix =
                    assertThrows(IllegalArgumentException.class, () -> model.headMatrix(0, 0, "mlp"));
            assertTrue(matrix.getMessage().contains("'mlp'"), matrix.getMessage());
        }
    }

    @Test
    void oneSeedGivesIdenticalWeightsAndAnotherSeedDifferentOnes() {
        try (AttentionOnlyTransformer a = AttentionOnlyTransformer.create(CONFIG, nd, 7);
                AttentionOnlyTransformer b = AttentionOnlyTransformer.create(CONFIG, nd, 7);
                AttentionOnlyTransformer c = AttentionOnlyTransformer.create(CONFIG, nd, 8)) {
            Map<String, float[]> sa = a.snapshot(), sb = b.snapshot(), sc = c.snapshot();
            assertEquals(sa.keySet(), sc.keySet());
            for (String name : sa.keySet()) {
                assertArrayEquals(sa.get(name), sb.get(name), name);
                assertFalse(Arrays.equals(sa.get(name), sc.get(name)), name + " differs under another seed");
            }
        }
    }

    // ---- the forward pass ----

    @Test
    void theForwardGivesLogitsAndOneCausalPatternPerLayer() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            Forward f = model.forward(randomTokens(1, 3, 10));
            assertEquals(new Shape(3, 10, V), f.logits().getShape());
            assertEquals(LAYERS, f.patterns().size());
            for (NDArray pattern : f.patterns()) {
                assertEquals(new Shape(3, HEADS, 10, 10), pattern.getShape());
                float[] p = pattern.toFloatArray();
                for (int row = 0; row < 3 * HEADS * 10; row++) {
                    int query = row % 10;
                    double sum = 0;
                    for (int key = 0; key < 10; key++) {
                        float w = p[row * 10 + key];
                        sum += w;
                        if (key > query)
                            assertEquals(0f, w, "no weight on the future: query " + query + ", key " + key);
                        else assertTrue(w > 0, "some weight on every visible key");
                    }
                    assertEquals(1.0, sum, 1e-5, "row " + row + " sums to 1");
                }
            }
        }
    }

    @Test
    void logitsAtAPositionDoNotDependOnLaterTokens() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 2)) {
            int[] ids = new Random(4).ints(T, 0, V).toArray();
            int[] changed = ids.clone();
            int t = 7;
            for (int i = t + 1; i < T; i++) changed[i] = (ids[i] + 1 + i % 5) % V;
            float[] a = model.forward(nd.create(ids, new Shape(1, T))).logits().toFloatArray();
            float[] b =
                    model.forward(nd.create(changed, new Shape(1, T))).logits().toFloatArray();
            float[] before = Arrays.copyOfRange(a, 0, (t + 1) * V),
                    beforeChanged = Arrays.copyOfRange(b, 0, (t + 1) * V);
            assertTrue(
                    maxAbsDifference(before, beforeChanged) < 1e-6, "positions 0.." + t + " only see tokens 0.." + t);
            float[] after = Arrays.copyOfRange(a, (t + 1) * V, T * V),
                    afterChanged = Arrays.copyOfRange(b, (t + 1) * V, T * V);
            assertTrue(maxAbsDifference(after, afterChanged) > 1e-4, "the later positions do see the change");
        }
    }

    @Test
    void thePositionEmbeddingTellsPositionsOfOneTokenApart() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 2)) {
            // Without positions a row of one token is the same vector everywhere, every head averages
            // identical vectors, and every position would get the same logits.
            int[] same = new int[T];
            Arrays.fill(same, 3);
            float[] logits =
                    model.forward(nd.create(same, new Shape(1, T))).logits().toFloatArray();
            float[] first = Arrays.copyOfRange(logits, 0, V), last = Arrays.copyOfRange(logits, (T - 1) * V, T * V);
            assertTrue(maxAbsDifference(first, last) > 1e-4, "positions 0 and " + (T - 1) + " differ");
            // And with the position embedding set to zero, they do not.
            Map<String, float[]> noPositions = model.snapshot();
            Arrays.fill(noPositions.get("positions"), 0f);
            model.load(noPositions);
            float[] flat =
                    model.forward(nd.create(same, new Shape(1, T))).logits().toFloatArray();
            assertTrue(maxAbsDifference(Arrays.copyOfRange(flat, 0, V), Arrays.copyOfRange(flat, (T - 1) * V, T * V))
                    < 1e-5);
        }
    }

    @Test
    void theForwardRefusesTooLongInputsAndWrongRanks() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            IllegalArgumentException longer =
                    assertThrows(IllegalArgumentException.class, () -> model.forward(randomTokens(1, 1, T + 1)));
            assertTrue(longer.getMessage().contains("17 tokens do not fit the context of 16"), longer.getMessage());
            IllegalArgumentException rank =
                    assertThrows(IllegalArgumentException.class, () -> model.forward(nd.create(new int[] {1, 2, 3})));
            assertTrue(rank.getMessage().contains("(batch, time)"), rank.getMessage());
            assertThrows(IllegalArgumentException.class, () -> model.forward(nd.zeros(new Shape(1, 2, 3))));
            assertEquals(
                    new Shape(1, T, V),
                    model.forward(randomTokens(1, 1, T)).logits().getShape(),
                    "the full context fits");
        }
    }

    // ---- ablation ----

    /** The snapshot with head {@code head}'s W_O in layer {@code layer} zeroed, by hand on the flat (H, d, C) array. */
    private static Map<String, float[]> withoutOutput(Map<String, float[]> snapshot, int layer, int head) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        snapshot.forEach((n, w) -> copy.put(n, w.clone()));
        float[] output = copy.get("layer" + layer + ".output");
        assertEquals(HEADS * D * C, output.length);
        Arrays.fill(output, head * D * C, (head + 1) * D * C, 0f);
        return copy;
    }

    @Test
    void zeroAblatingAHeadEqualsZeroingItsOutputMatrix() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 5);
                AttentionOnlyTransformer copy = AttentionOnlyTransformer.create(CONFIG, nd, 99)) {
            NDArray tokens = randomTokens(6, 4, T);
            float[] intact = model.forward(tokens).logits().toFloatArray();
            for (Head h : List.of(new Head(0, 1), new Head(1, 0))) {
                copy.load(withoutOutput(model.snapshot(), h.layer(), h.head()));
                float[] expected = copy.forward(tokens).logits().toFloatArray();
                float[] ablated =
                        model.forward(tokens, HeadAblation.zero(h)).logits().toFloatArray();
                assertTrue(
                        maxAbsDifference(expected, ablated) < 1e-5,
                        "head " + h + ": " + maxAbsDifference(expected, ablated));
                assertTrue(maxAbsDifference(intact, ablated) > 1e-3, "the head " + h + " mattered");
            }
            // Two heads at once: both W_O zeroed.
            copy.load(withoutOutput(withoutOutput(model.snapshot(), 0, 0), 1, 1));
            float[] expected = copy.forward(tokens).logits().toFloatArray();
            float[] ablated = model.forward(tokens, HeadAblation.zero(new Head(0, 0), new Head(1, 1)))
                    .logits()
                    .toFloatArray();
            assertTrue(maxAbsDifference(expected, ablated) < 1e-5);
        }
    }

    @Test
    void noAblationIsThePlainForward() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 5)) {
            NDArray tokens = randomTokens(6, 2, 9);
            assertArrayEquals(
                    model.forward(tokens).logits().toFloatArray(),
                    model.forward(tokens, HeadAblation.none()).logits().toFloatArray());
            assertTrue(HeadAblation.none().heads().isEmpty());
        }
    }

    @Test
    void meanAblationReplacesTheHeadByItsAverageOutputAndLeavesTheModelWhole() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 5)) {
            NDArray tokens = randomTokens(8, 4, T);
            Map<String, float[]> weightsBefore = model.snapshot();
            float[] before = model.forward(tokens).logits().toFloatArray();
            Head last = new Head(LAYERS - 1, 1);
            float[] mean =
                    model.forward(tokens, HeadAblation.mean(last)).logits().toFloatArray();
            float[] zero =
                    model.forward(tokens, HeadAblation.zero(last)).logits().toFloatArray();
            float[] after = model.forward(tokens).logits().toFloatArray();

            assertTrue(maxAbsDifference(before, mean) > 1e-3, "mean ablation changes the logits");
            assertArrayEquals(
                    before, after, "an ablation lives in one forward pass: the next one is bit-for-bit the one before");
            Map<String, float[]> weightsAfter = model.snapshot();
            for (String name : weightsBefore.keySet())
                assertArrayEquals(weightsBefore.get(name), weightsAfter.get(name), name);

            // In the last layer the head's output reaches the logits linearly, through W_U: the intact logits
            // are the zero-ablated ones plus out_h(b, t)·W_U, and the mean-ablated ones the zero-ablated ones
            // plus mean_{b,t}(out_h)·W_U, the same vector at every position: the mean of (intact − zero).
            int positions = 4 * T;
            double[] meanContribution = new double[V];
            for (int p = 0; p < positions; p++)
                for (int v = 0; v < V; v++)
                    meanContribution[v] += ((double) before[p * V + v] - zero[p * V + v]) / positions;
            for (int p = 0; p < positions; p++) {
                for (int v = 0; v < V; v++) {
                    assertEquals(
                            meanContribution[v],
                            mean[p * V + v] - zero[p * V + v],
                            1e-4,
                            "position " + p + ", logit " + v);
                }
            }
        }
    }

    @Test
    void ablatingAHeadOutOfRangeIsRefusedNamingTheModelsHeads() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            NDArray tokens = randomTokens(1, 1, 4);
            IllegalArgumentException head = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(tokens, HeadAblation.zero(new Head(0, 2))));
            assertTrue(
                    head.getMessage().contains("cannot ablate head 0.2")
                            && head.getMessage().contains("layers 0..1")
                            && head.getMessage().contains("heads 0..1"),
                    head.getMessage());
            assertThrows(
                    IllegalArgumentException.class, () -> model.forward(tokens, HeadAblation.mean(new Head(2, 0))));
            assertThrows(
                    IllegalArgumentException.class, () -> model.forward(tokens, HeadAblation.zero(new Head(-1, 0))));
            assertThrows(
                    IllegalArgumentException.class, () -> model.forward(tokens, HeadAblation.zero(new Head(0, -1))));
        }
    }

    // ---- snapshots ----

    @Test
    void aSnapshotLoadsBackExactly() {
        try (AttentionOnlyTransformer a = AttentionOnlyTransformer.create(CONFIG, nd, 11);
                AttentionOnlyTransformer b = AttentionOnlyTransformer.create(CONFIG, nd, 12)) {
            NDArray tokens = randomTokens(2, 3, T);
            Map<String, float[]> snapshot = a.snapshot();
            b.load(snapshot);
            Map<String, float[]> loaded = b.snapshot();
            assertEquals(snapshot.keySet(), loaded.keySet());
            for (String name : snapshot.keySet()) assertArrayEquals(snapshot.get(name), loaded.get(name), name);
            assertArrayEquals(
                    a.forward(tokens).logits().toFloatArray(),
                    b.forward(tokens).logits().toFloatArray());
            // A snapshot is a copy: changing the model afterwards does not change it.
            float first = snapshot.get("embedding")[0];
            b.load(AttentionOnlyTransformer.create(CONFIG, nd, 13).snapshot());
            assertEquals(first, a.snapshot().get("embedding")[0]);
            assertEquals(first, snapshot.get("embedding")[0]);
        }
    }

    @Test
    void loadingASnapshotWithAMissingOrMisshapenWeightIsRefused() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            Map<String, float[]> missing = new LinkedHashMap<>(model.snapshot());
            missing.remove("unembedding");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.load(missing));
            assertTrue(e.getMessage().contains("snapshot"), e.getMessage());
            Map<String, float[]> shorter = new LinkedHashMap<>(model.snapshot());
            shorter.put("layer1.key", new float[3]);
            IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> model.load(shorter));
            assertTrue(s.getMessage().contains("layer1.key"), s.getMessage());
        }
    }

    // ---- loss by position ----

    @Test
    void lossByPositionIsTheMeanNegativeLogSoftmaxAtEachTarget() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 21)) {
            // Larger weights than the initial ones, so the logits are far from uniform and the test can tell.
            Map<String, float[]> big = new LinkedHashMap<>();
            model.snapshot().forEach((n, w) -> {
                float[] scaled = w.clone();
                for (int i = 0; i < scaled.length; i++)
                    scaled[i] *= n.equals("embedding") || n.equals("positions") ? 50 : 2;
                big.put(n, scaled);
            });
            model.load(big);
            int rows = 3, t = 6;
            Random random = new Random(9);
            int[][] tokens = new int[rows][t + 1];
            for (int[] row : tokens) for (int i = 0; i <= t; i++) row[i] = random.nextInt(V);
            int[] inputs = new int[rows * t];
            for (int r = 0; r < rows; r++) System.arraycopy(tokens[r], 0, inputs, r * t, t);
            float[] logits = model.forward(nd.create(inputs, new Shape(rows, t)))
                    .logits()
                    .toFloatArray();
            double[] expected = new double[t];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < t; i++) {
                    int base = (r * t + i) * V;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < V; v++) max = Math.max(max, logits[base + v]);
                    double z = 0;
                    for (int v = 0; v < V; v++) z += Math.exp(logits[base + v] - max);
                    double logProbability = logits[base + tokens[r][i + 1]] - max - Math.log(z);
                    expected[i] += -logProbability / rows;
                }
            }
            double[] actual = model.lossByPosition(nd, tokens, HeadAblation.none());
            assertEquals(t, actual.length);
            for (int i = 0; i < t; i++) assertEquals(expected[i], actual[i], 1e-5, "position " + i);
            assertTrue(
                    Arrays.stream(expected).anyMatch(l -> Math.abs(l - Math.log(V)) > 0.1),
                    "the logits are not uniform");
        }
    }

    @Test
    void lossByPositionAppliesTheAblation() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 21)) {
            int[][] tokens = {{1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}};
            HeadAblation ablation = HeadAblation.zero(new Head(1, 0));
            float[] logits = model.forward(nd.create(new int[] {1, 2, 3, 4, 5, 4, 3, 2}, new Shape(2, 4)), ablation)
                    .logits()
                    .toFloatArray();
            double expected = 0;
            for (int r = 0; r < 2; r++) {
                int base = (r * 4 + 3) * V, target = tokens[r][4];
                double z = 0;
                for (int v = 0; v < V; v++) z += Math.exp(logits[base + v]);
                expected += (Math.log(z) - logits[base + target]) / 2;
            }
            assertEquals(expected, model.lossByPosition(nd, tokens, ablation)[3], 1e-5);
        }
    }

    // ---- K-composition ----

    /** Head h's (rows × cols) matrix out of a stacked (H, rows, cols) flat array, in doubles. */
    private static double[][] slice(float[] stacked, int h, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[r][c] = stacked[h * rows * cols + r * cols + c];
        return m;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] m = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < b.length; k++) for (int j = 0; j < b[0].length; j++) m[i][j] += a[i][k] * b[k][j];
        return m;
    }

    private static double[][] transposed(double[][] a) {
        double[][] m = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < a[0].length; j++) m[j][i] = a[i][j];
        return m;
    }

    private static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) for (double x : row) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void kCompositionIsTheCompositionOfTheEarlierOvWithTheLaterKeyQueryMatrix() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 31)) {
            Map<String, float[]> w = model.snapshot();
            for (int earlier = 0; earlier < HEADS; earlier++) {
                for (int later = 0; later < HEADS; later++) {
                    double[][] ov = times(
                            slice(w.get("layer0.value"), earlier, C, D), slice(w.get("layer0.output"), earlier, D, C));
                    double[][] kq = times(
                            slice(w.get("layer1.key"), later, C, D),
                            transposed(slice(w.get("layer1.query"), later, C, D)));
                    double expected = frobenius(times(ov, kq)) / (frobenius(ov) * frobenius(kq));
                    double actual = HeadScores.kComposition(model, new Head(0, earlier), new Head(1, later));
                    assertEquals(expected, actual, 1e-4 * expected, "0." + earlier + " -> 1." + later);
                    // The transposed product W_OV·W_Q·W_Kᵀ would give a different number: the test tells the two apart.
                    double[][] qk = times(
                            slice(w.get("layer1.query"), later, C, D),
                            transposed(slice(w.get("layer1.key"), later, C, D)));
                    double wrong = frobenius(times(ov, qk)) / (frobenius(ov) * frobenius(qk));
                    assertTrue(
                            Math.abs(wrong - expected) > 1e-3 * expected,
                            "Q and K sides differ: " + wrong + " vs " + expected);
                }
            }
        }
    }

    @Test
    void kCompositionRefusesAnEarlierHeadThatIsNotInAnEarlierLayer() {
        try (AttentionOnlyTransformer model = AttentionOnlyTransformer.create(CONFIG, nd, 1)) {
            IllegalArgumentException same = assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadScores.kComposition(model, new Head(1, 0), new Head(1, 1)));
            assertTrue(same.getMessage().contains("earlier layer"), same.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadScores.kComposition(model, new Head(1, 0), new Head(0, 0)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> HeadScores.kComposition(model, new Head(0, 0), new Head(0, 0)));
        }
    }
}
