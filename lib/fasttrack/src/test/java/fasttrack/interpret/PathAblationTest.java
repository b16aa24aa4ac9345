package fasttrack.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fasttrack.interpret.AttentionOnlyTransformer.Config;
import fasttrack.interpret.AttentionOnlyTransformer.Forward;
import fasttrack.interpret.HeadAblation.Head;
import fasttrack.interpret.HeadAblation.Mode;
import fasttrack.interpret.HeadAblation.Path;
import fasttrack.runtime.Setup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Path ablation: a head's replacement seen only by later layers' keys, queries or values. Every
 * expected value comes from a reference forward pass written here in plain Java doubles over the
 * model's per-head matrices, independent of the model's batched NDArray forward.
 */
class PathAblationTest {

    private static final int V = 12, T = 16, HEADS = 2, D = 8, C = HEADS * D;
    private static final Config TWO_LAYERS = new Config(V, T, 2, HEADS, D);
    private static final Config THREE_LAYERS = new Config(V, T, 3, HEADS, D);
    private static final int BATCH = 3, LENGTH = 10;
    private static final double CLOSE = 1e-5, APART = 1e-3;

    private NDManager nd;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /**
     * A random model with its embeddings scaled to standard deviation 1 and its query and key matrices
     * doubled, so the attention patterns are far from uniform and a path ablation moves the logits by
     * far more than float32 noise (at the initial scale the scores are ~1e-4 and every pattern is flat).
     */
    private AttentionOnlyTransformer model(Config config, long seed) {
        AttentionOnlyTransformer model = AttentionOnlyTransformer.create(config, nd, seed);
        Map<String, float[]> big = new LinkedHashMap<>();
        model.snapshot().forEach((n, w) -> {
            float[] scaled = w.clone();
            float factor = n.equals("embedding") || n.equals("positions")
                    ? 50
                    : n.endsWith(".query") || n.endsWith(".key") ? 2 : 1;
            for (int i = 0; i < scaled.length; i++) scaled[i] *= factor;
            big.put(n, scaled);
        });
        model.load(big);
        return model;
    }

    private static int[][] tokens(long seed) {
        Random random = new Random(seed);
        int[][] rows = new int[BATCH][LENGTH];
        for (int[] row : rows) for (int i = 0; i < LENGTH; i++) row[i] = random.nextInt(V);
        return rows;
    }

    private NDArray array(int[][] rows) {
        int[] flat = new int[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, flat, r * rows[0].length, rows[0].length);
        return nd.create(flat, new Shape(rows.length, rows[0].length));
    }

    // ---- the reference forward pass ----

    /** Logits (B·T·V, flat) and each layer's patterns (B·H·T·T, flat) of the reference pass. */
    private record Reference(double[] logits, List<double[]> patterns) {}

    /**
     * The forward pass by hand, head by head, in doubles. The heads in {@code ablated} are replaced
     * (by zero, or by their mean over batch and positions); with path EVERYWHERE the residual stream
     * gets the replacement, otherwise it gets the head's real output and only the chosen input (keys,
     * queries or values) of the layers after it, up to {@code lastCleanedLayer}, reads the residual
     * minus (output − replacement).
     */
    private static Reference reference(
            AttentionOnlyTransformer model,
            int[][] tokens,
            List<Head> ablated,
            Mode mode,
            Path path,
            int lastCleanedLayer) {
        Config config = model.config();
        int b = tokens.length, t = tokens[0].length, layers = config.layers();
        float[] embedding = model.embedding().toFloatArray(),
                positions = model.positions().toFloatArray(),
                unembedding = model.unembedding().toFloatArray();
        double[][][] x = new double[b][t][C];
        double[][][] removed = new double[b][t][C];
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++)
                for (int c = 0; c < C; c++) x[r][i][c] = embedding[tokens[r][i] * C + c] + positions[i * C + c];
        List<double[]> patterns = new java.util.ArrayList<>();
        for (int l = 0; l < layers; l++) {
            boolean cleans = l <= lastCleanedLayer;
            double[][][] clean = new double[b][t][C];
            for (int r = 0; r < b; r++)
                for (int i = 0; i < t; i++) for (int c = 0; c < C; c++) clean[r][i][c] = x[r][i][c] - removed[r][i][c];
            double[][][] queryIn = cleans && path == Path.QUERIES ? clean : x;
            double[][][] keyIn = cleans && path == Path.KEYS ? clean : x;
            double[][][] valueIn = cleans && path == Path.VALUES ? clean : x;
            double[][][][] outs = new double[HEADS][][][];
            double[] pattern = new double[b * HEADS * t * t];
            for (int h = 0; h < HEADS; h++) {
                float[] wq = model.query(l, h).toFloatArray(),
                        wk = model.key(l, h).toFloatArray(),
                        wv = model.value(l, h).toFloatArray(),
                        wo = model.output(l, h).toFloatArray();
                double[][][] out = new double[b][t][C];
                for (int r = 0; r < b; r++) {
                    double[][] q = project(queryIn[r], wq), k = project(keyIn[r], wk), v = project(valueIn[r], wv);
                    for (int i = 0; i < t; i++) {
                        double[] scores = new double[i + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j <= i; j++) {
                            double s = 0;
                            for (int e = 0; e < D; e++) s += q[i][e] * k[j][e];
                            scores[j] = s / Math.sqrt(D);
                            max = Math.max(max, scores[j]);
                        }
                        double z = 0;
                        for (int j = 0; j <= i; j++) z += scores[j] = Math.exp(scores[j] - max);
                        double[] mixed = new double[D];
                        for (int j = 0; j <= i; j++) {
                            double a = scores[j] / z;
                            pattern[((r * HEADS + h) * t + i) * t + j] = a;
                            for (int e = 0; e < D; e++) mixed[e] += a * v[j][e];
                        }
                        for (int c = 0; c < C; c++)
                            for (int e = 0; e < D; e++) out[r][i][c] += mixed[e] * wo[e * C + c];
                    }
                }
                outs[h] = out;
            }
            patterns.add(pattern);
            // Every head of the layer has read the same residual; now each writes to it.
            for (int h = 0; h < HEADS; h++) {
                double[][][] out = outs[h];
                boolean isAblated = ablated.contains(new Head(l, h));
                double[] replacement = new double[C];
                if (isAblated && mode == Mode.MEAN) {
                    for (int r = 0; r < b; r++)
                        for (int i = 0; i < t; i++)
                            for (int c = 0; c < C; c++) replacement[c] += out[r][i][c] / (b * t);
                }
                for (int r = 0; r < b; r++) {
                    for (int i = 0; i < t; i++) {
                        for (int c = 0; c < C; c++) {
                            if (!isAblated) {
                                x[r][i][c] += out[r][i][c];
                            } else if (path == Path.EVERYWHERE) {
                                x[r][i][c] += replacement[c];
                            } else {
                                x[r][i][c] += out[r][i][c];
                                removed[r][i][c] += out[r][i][c] - replacement[c];
                            }
                        }
                    }
                }
            }
        }
        double[] logits = new double[b * t * V];
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++)
                for (int v = 0; v < V; v++) {
                    double s = 0;
                    for (int c = 0; c < C; c++) s += x[r][i][c] * unembedding[c * V + v];
                    logits[(r * t + i) * V + v] = s;
                }
        return new Reference(logits, patterns);
    }

    private static Reference reference(
            AttentionOnlyTransformer model, int[][] tokens, List<Head> ablated, Mode mode, Path path) {
        return reference(model, tokens, ablated, mode, path, Integer.MAX_VALUE);
    }

    /** Rows (T, C) times a (C, d) matrix stored flat. */
    private static double[][] project(double[][] rows, float[] w) {
        double[][] p = new double[rows.length][D];
        for (int i = 0; i < rows.length; i++)
            for (int c = 0; c < C; c++) for (int e = 0; e < D; e++) p[i][e] += rows[i][c] * w[c * D + e];
        return p;
    }

    private static double maxAbsDifference(double[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
        return max;
    }

    /**
     * Every value within 1e-5 relative to the largest expected value (at least 1): the logits of the
     * scaled model reach ~10, where float32 sums of 16 terms carry errors of a few 1e-6 each.
     */
    private static void assertClose(double[] expected, float[] actual, String what) {
        double largest = 1;
        for (double e : expected) largest = Math.max(largest, Math.abs(e));
        double difference = maxAbsDifference(expected, actual);
        assertTrue(
                difference < CLOSE * largest,
                what + ": max |difference| " + difference + " (largest value " + largest + ")");
    }

    private static void assertApart(float[] a, float[] b, String what) {
        double difference = maxAbsDifference(a, b);
        assertTrue(difference > APART, what + ": max |difference| only " + difference);
    }

    private static void assertApart(double[] a, float[] b, String what) {
        double difference = maxAbsDifference(a, b);
        assertTrue(difference > APART, what + ": max |difference| only " + difference);
    }

    private float[] logits(AttentionOnlyTransformer model, int[][] tokens, HeadAblation ablation) {
        return model.forward(array(tokens), ablation).logits().toFloatArray();
    }

    // ---- the reference is the model's forward where they must agree ----

    @Test
    void theReferenceForwardAgreesWithTheModelWithoutAblationAndWithEverywhereAblation() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 41)) {
            int[][] tokens = tokens(1);
            Forward intact = model.forward(array(tokens));
            Reference plain = reference(model, tokens, List.of(), Mode.ZERO, Path.EVERYWHERE);
            assertClose(plain.logits(), intact.logits().toFloatArray(), "no ablation");
            for (int l = 0; l < 2; l++)
                assertClose(
                        plain.patterns().get(l), intact.patterns().get(l).toFloatArray(), "layer " + l + " patterns");
            Head h = new Head(0, 1);
            assertClose(
                    reference(model, tokens, List.of(h), Mode.ZERO, Path.EVERYWHERE)
                            .logits(),
                    logits(model, tokens, HeadAblation.zero(h)),
                    "zero everywhere");
            assertClose(
                    reference(model, tokens, List.of(h), Mode.MEAN, Path.EVERYWHERE)
                            .logits(),
                    logits(model, tokens, HeadAblation.mean(h)),
                    "mean everywhere");
            // The scaled model's patterns are far from uniform: row 9 of a head is not 1/10 everywhere.
            double[] p = plain.patterns().get(1);
            double spread = 0;
            for (int j = 0; j < LENGTH; j++) spread = Math.max(spread, Math.abs(p[9 * LENGTH + j] - 0.1));
            assertTrue(spread > 0.05, "patterns are sharp enough to tell paths apart: " + spread);
        }
    }

    // ---- each path against the reference ----

    private void assertPathMatchesReference(Path path) {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 42)) {
            int[][] tokens = tokens(2);
            float[] intact = logits(model, tokens, HeadAblation.none());
            for (int h = 0; h < HEADS; h++) {
                Head head = new Head(0, h);
                float[] actual = logits(model, tokens, HeadAblation.zero(head).only(path));
                Reference expected = reference(model, tokens, List.of(head), Mode.ZERO, path);
                assertClose(expected.logits(), actual, "zero(" + head + ").only(" + path + ")");
                assertApart(intact, actual, "zero(" + head + ").only(" + path + ") changes the logits");
            }
        }
    }

    @Test
    void keysPathAblationEqualsAReferenceWhereOnlyLayerOnesKeysMissTheHead() {
        assertPathMatchesReference(Path.KEYS);
    }

    @Test
    void queriesPathAblationEqualsAReferenceWhereOnlyLayerOnesQueriesMissTheHead() {
        assertPathMatchesReference(Path.QUERIES);
    }

    @Test
    void valuesPathAblationEqualsAReferenceWhereOnlyLayerOnesValuesMissTheHead() {
        assertPathMatchesReference(Path.VALUES);
    }

    @Test
    void keysPathAblationByHandInTwoLayersUsesTheResidualMinusTheHeadForKeysAlone() {
        // The same check spelled out without the general reference: the residual after layer 0 is the
        // intact one, x1 = x0 + out_0.0 + out_0.1; layer 1's keys read x1 − out_0.1, its queries and
        // values x1, and the logits read x1 + layer 1's outputs. So the result is the intact logits plus
        // (layer 1's outputs with cleaned keys − layer 1's intact outputs)·W_U, which the reference with
        // keys cleaned, and only keys, must reproduce; and cleaning every input at once is the EVERYWHERE ablation.
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 43)) {
            int[][] tokens = tokens(3);
            Head head = new Head(0, 1);
            float[] keys = logits(model, tokens, HeadAblation.zero(head).only(Path.KEYS));
            Reference wrongQueries = reference(model, tokens, List.of(head), Mode.ZERO, Path.QUERIES);
            Reference wrongValues = reference(model, tokens, List.of(head), Mode.ZERO, Path.VALUES);
            Reference everywhere = reference(model, tokens, List.of(head), Mode.ZERO, Path.EVERYWHERE);
            assertClose(
                    reference(model, tokens, List.of(head), Mode.ZERO, Path.KEYS)
                            .logits(),
                    keys,
                    "keys");
            assertApart(wrongQueries.logits(), keys, "keys path is not the queries path");
            assertApart(wrongValues.logits(), keys, "keys path is not the values path");
            assertApart(everywhere.logits(), keys, "keys path is not the everywhere ablation");
        }
    }

    @Test
    void theThreePathAblationsDifferFromEachOtherAndFromEverywhere() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 44)) {
            int[][] tokens = tokens(4);
            HeadAblation zero = HeadAblation.zero(new Head(0, 0));
            float[] everywhere = logits(model, tokens, zero);
            float[] keys = logits(model, tokens, zero.only(Path.KEYS));
            float[] queries = logits(model, tokens, zero.only(Path.QUERIES));
            float[] values = logits(model, tokens, zero.only(Path.VALUES));
            assertApart(keys, queries, "keys vs queries");
            assertApart(keys, values, "keys vs values");
            assertApart(queries, values, "queries vs values");
            assertApart(everywhere, keys, "everywhere vs keys");
            assertApart(everywhere, queries, "everywhere vs queries");
            assertApart(everywhere, values, "everywhere vs values");
            // only(EVERYWHERE) is the plain ablation again.
            float[] back = logits(model, tokens, zero.only(Path.KEYS).only(Path.EVERYWHERE));
            assertEquals(
                    0.0, maxAbsDifference(everywhere, back), 0, "only(EVERYWHERE) is the residual-stream ablation");
        }
    }

    // ---- mean vs zero ----

    @Test
    void meanAndZeroKeyAblationsGiveTheSameLogitsBecauseAConstantKeyShiftIsAPerRowScoreConstant() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 45)) {
            int[][] tokens = tokens(5);
            for (int h = 0; h < HEADS; h++) {
                Head head = new Head(0, h);
                Forward zero =
                        model.forward(array(tokens), HeadAblation.zero(head).only(Path.KEYS));
                Forward mean =
                        model.forward(array(tokens), HeadAblation.mean(head).only(Path.KEYS));
                double difference = maxAbsDifference(
                        zero.logits().toFloatArray(), mean.logits().toFloatArray());
                assertTrue(difference < CLOSE, head + ": " + difference);
                double patterns = maxAbsDifference(
                        zero.patterns().get(1).toFloatArray(),
                        mean.patterns().get(1).toFloatArray());
                assertTrue(patterns < CLOSE, head + " layer 1 patterns: " + patterns);
                assertClose(
                        reference(model, tokens, List.of(head), Mode.MEAN, Path.KEYS)
                                .logits(),
                        mean.logits().toFloatArray(),
                        "mean keys vs reference");
            }
            // The same mean ablation on the whole residual stream is not the zero one: the equality is the keys' doing.
            Head head = new Head(0, 0);
            assertApart(
                    logits(model, tokens, HeadAblation.zero(head)),
                    logits(model, tokens, HeadAblation.mean(head)),
                    "zero vs mean everywhere");
        }
    }

    @Test
    void meanAndZeroQueryAblationsDifferAndTheMeanOneMatchesTheReference() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 46)) {
            int[][] tokens = tokens(6);
            for (int h = 0; h < HEADS; h++) {
                Head head = new Head(0, h);
                float[] zero = logits(model, tokens, HeadAblation.zero(head).only(Path.QUERIES));
                float[] mean = logits(model, tokens, HeadAblation.mean(head).only(Path.QUERIES));
                assertApart(zero, mean, head + ": a constant query shift changes the scores key by key");
                assertClose(
                        reference(model, tokens, List.of(head), Mode.MEAN, Path.QUERIES)
                                .logits(),
                        mean,
                        "mean queries vs reference");
                assertClose(
                        reference(model, tokens, List.of(head), Mode.MEAN, Path.VALUES)
                                .logits(),
                        logits(model, tokens, HeadAblation.mean(head).only(Path.VALUES)),
                        "mean values vs reference");
            }
        }
    }

    // ---- patterns ----

    @Test
    void pathAblationLeavesLayerZerosPatternsAndOnlyKeysAndQueriesChangeLayerOnes() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 47)) {
            int[][] tokens = tokens(7);
            Forward intact = model.forward(array(tokens));
            float[] intact0 = intact.patterns().get(0).toFloatArray(),
                    intact1 = intact.patterns().get(1).toFloatArray();
            Head head = new Head(0, 1);
            for (Path path : List.of(Path.KEYS, Path.QUERIES, Path.VALUES)) {
                Forward ablated =
                        model.forward(array(tokens), HeadAblation.zero(head).only(path));
                assertEquals(
                        0.0,
                        maxAbsDifference(intact0, ablated.patterns().get(0).toFloatArray()),
                        0,
                        path + ": layer 0 reads the untouched embeddings");
                float[] layer1 = ablated.patterns().get(1).toFloatArray();
                assertClose(
                        reference(model, tokens, List.of(head), Mode.ZERO, path)
                                .patterns()
                                .get(1),
                        layer1,
                        path + ": layer 1 patterns vs reference");
                if (path == Path.VALUES) {
                    assertTrue(
                            maxAbsDifference(intact1, layer1) < CLOSE,
                            "values do not move the pattern of the layer that reads them");
                } else {
                    assertApart(intact1, layer1, path + " changes layer 1's patterns");
                }
            }
        }
    }

    // ---- refusals and description ----

    @Test
    void aPathAblationOfALastLayerHeadIsRefusedButAnEverywhereOneIsNot() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 48);
                AttentionOnlyTransformer deeper = model(THREE_LAYERS, 48)) {
            NDArray tokens = array(tokens(8));
            for (Path path : List.of(Path.KEYS, Path.QUERIES, Path.VALUES)) {
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(
                                tokens, HeadAblation.zero(new Head(1, 0)).only(path)));
                assertTrue(
                        e.getMessage().contains("last layer") && e.getMessage().contains("1.0"), e.getMessage());
                assertTrue(e.getMessage().contains(path.name().toLowerCase()), e.getMessage());
                assertThrows(
                        IllegalArgumentException.class,
                        () -> model.forward(
                                tokens,
                                HeadAblation.mean(new Head(0, 0), new Head(1, 1))
                                        .only(path)),
                        "one last-layer head among others is refused too");
                IllegalArgumentException deep = assertThrows(
                        IllegalArgumentException.class,
                        () -> deeper.forward(
                                tokens, HeadAblation.zero(new Head(2, 1)).only(path)));
                assertTrue(deep.getMessage().contains("last layer"), deep.getMessage());
            }
            // Not refused: the last layer everywhere, the middle layer of three along a path.
            assertEquals(
                    new Shape(BATCH, LENGTH, V),
                    model.forward(tokens, HeadAblation.zero(new Head(1, 0)))
                            .logits()
                            .getShape());
            assertEquals(
                    new Shape(BATCH, LENGTH, V),
                    deeper.forward(tokens, HeadAblation.zero(new Head(1, 0)).only(Path.KEYS))
                            .logits()
                            .getShape());
            // The range check still comes first for a head outside the model.
            IllegalArgumentException range = assertThrows(
                    IllegalArgumentException.class,
                    () -> model.forward(
                            tokens, HeadAblation.zero(new Head(0, 2)).only(Path.KEYS)));
            assertTrue(range.getMessage().contains("cannot ablate head 0.2"), range.getMessage());
        }
    }

    @Test
    void theDescriptionNamesThePath() {
        HeadAblation zero = HeadAblation.zero(new Head(0, 1));
        assertEquals("zero-ablated [0.1]", zero.toString());
        assertTrue(
                zero.only(Path.KEYS).toString().contains("keys only"),
                zero.only(Path.KEYS).toString());
        assertTrue(
                zero.only(Path.QUERIES).toString().contains("queries only"),
                zero.only(Path.QUERIES).toString());
        assertTrue(
                HeadAblation.mean(new Head(0, 0)).only(Path.VALUES).toString().contains("values only"));
        assertTrue(
                HeadAblation.mean(new Head(0, 0)).only(Path.VALUES).toString().startsWith("mean-ablated [0.0]"));
        assertEquals(
                "zero-ablated [0.1]",
                zero.only(Path.VALUES).only(Path.EVERYWHERE).toString());
    }

    @Test
    void onlyKeepsTheModeAndHeadsAndChangesOnlyThePath() {
        Head a = new Head(0, 1), b = new Head(1, 0);
        HeadAblation zero = HeadAblation.zero(a, b), mean = HeadAblation.mean(b);
        assertEquals(Path.EVERYWHERE, zero.path());
        assertEquals(Path.EVERYWHERE, HeadAblation.none().path());
        for (Path path : Path.values()) {
            HeadAblation z = zero.only(path), m = mean.only(path);
            assertEquals(path, z.path());
            assertEquals(Mode.ZERO, z.mode());
            assertEquals(List.of(a, b), z.heads());
            assertEquals(path, m.path());
            assertEquals(Mode.MEAN, m.mode());
            assertEquals(List.of(b), m.heads());
        }
        // A new ablation each time: the original keeps its path.
        zero.only(Path.KEYS);
        assertEquals(Path.EVERYWHERE, zero.path());
        assertSame(Mode.ZERO, zero.only(Path.QUERIES).only(Path.VALUES).mode());
    }

    @Test
    void aPathAblationLivesInOneForwardPass() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 49)) {
            int[][] tokens = tokens(9);
            float[] before = logits(model, tokens, HeadAblation.none());
            logits(model, tokens, HeadAblation.mean(new Head(0, 0)).only(Path.KEYS));
            logits(model, tokens, HeadAblation.zero(new Head(0, 1)).only(Path.VALUES));
            assertEquals(0.0, maxAbsDifference(before, logits(model, tokens, HeadAblation.none())), 0);
            // No heads along a path is no ablation.
            assertEquals(
                    0.0,
                    maxAbsDifference(
                            before, logits(model, tokens, HeadAblation.none().only(Path.KEYS))),
                    0);
        }
    }

    // ---- several heads, several layers ----

    @Test
    void bothHeadsOfLayerZeroAlongOnePathAreRemovedTogether() {
        try (AttentionOnlyTransformer model = model(TWO_LAYERS, 50)) {
            int[][] tokens = tokens(10);
            List<Head> both = List.of(new Head(0, 0), new Head(0, 1));
            for (Path path : List.of(Path.KEYS, Path.QUERIES, Path.VALUES)) {
                float[] actual = logits(
                        model,
                        tokens,
                        HeadAblation.zero(both.toArray(new Head[0])).only(path));
                assertClose(reference(model, tokens, both, Mode.ZERO, path).logits(), actual, "both heads, " + path);
                assertApart(
                        reference(model, tokens, both.subList(1, 2), Mode.ZERO, path)
                                .logits(),
                        actual,
                        "both heads are not one, " + path);
            }
        }
    }

    @Test
    void inThreeLayersAValuesAblationReachesTheValuesOfLayersOneAndTwo() {
        try (AttentionOnlyTransformer model = model(THREE_LAYERS, 51)) {
            int[][] tokens = tokens(11);
            Head head = new Head(0, 1);
            float[] actual = logits(model, tokens, HeadAblation.zero(head).only(Path.VALUES));
            assertClose(
                    reference(model, tokens, List.of(head), Mode.ZERO, Path.VALUES)
                            .logits(),
                    actual,
                    "layers 1 and 2 read x − out_0.1 for values");
            // Cleaning layer 1's values alone is another result: layer 2's values do miss the head too.
            assertApart(
                    reference(model, tokens, List.of(head), Mode.ZERO, Path.VALUES, 1)
                            .logits(),
                    actual,
                    "layer 2 is cleaned as well");
            assertApart(logits(model, tokens, HeadAblation.none()), actual, "the ablation matters");
        }
    }

    @Test
    void inThreeLayersKeyAblationsOfHeadsInLayersZeroAndOneAccumulate() {
        try (AttentionOnlyTransformer model = model(THREE_LAYERS, 52)) {
            int[][] tokens = tokens(12);
            List<Head> heads = List.of(new Head(0, 0), new Head(1, 1));
            for (Path path : List.of(Path.KEYS, Path.QUERIES, Path.VALUES)) {
                float[] actual = logits(
                        model,
                        tokens,
                        HeadAblation.zero(heads.toArray(new Head[0])).only(path));
                assertClose(
                        reference(model, tokens, heads, Mode.ZERO, path).logits(),
                        actual,
                        path + ": layer 2 misses both 0.0 and 1.1");
                assertApart(
                        reference(model, tokens, heads.subList(1, 2), Mode.ZERO, path)
                                .logits(),
                        actual,
                        path + ": 0.0 is still removed at layer 2");
            }
            float[] mean = logits(
                    model, tokens, HeadAblation.mean(heads.toArray(new Head[0])).only(Path.QUERIES));
            assertClose(
                    reference(model, tokens, heads, Mode.MEAN, Path.QUERIES).logits(),
                    mean,
                    "mean, two layers, queries");
        }
    }
}
