package fasttrack.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizedGptTest {

    private static final GptConfig TINY = new GptConfig(11, 16, 2, 2, 16, 0.1f, false);

    @TempDir
    Path dir;

    private NDManager nd;
    private Gpt model;

    @BeforeEach
    void setUp() {
        Setup.seed(21);
        nd = Setup.manager().newSubManager();
        model = new Gpt(TINY).initialize(nd);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** A fresh model with {@code source}'s parameters. */
    private Gpt copy(Gpt source) {
        Gpt copy = new Gpt(source.config()).initialize(nd);
        PairList<String, Parameter> from = source.getParameters(), to = copy.getParameters();
        for (int i = 0; i < from.size(); i++)
            Tensors.overwrite(
                    to.get(i).getValue().getArray(),
                    from.get(i).getValue().getArray().toFloatArray());
        return copy;
    }

    private static float[][] parameters(Gpt model) {
        return model.getParameters().stream()
                .map(p -> p.getValue().getArray().toFloatArray())
                .toArray(float[][]::new);
    }

    private static boolean isMatrix(Map<String, NDArray> linear, NDArray array) {
        return linear.values().stream().anyMatch(w -> w == array);
    }

    @Test
    void itQuantisesEveryMatrixTheModelMultipliesBy() {
        QuantizedGpt q = QuantizedGpt.of(model, 8, 0);
        // 2 blocks × (qkv, projection, up, down) + the untied head.
        assertEquals(9, q.matrices().size());
        assertTrue(
                q.matrices().containsKey("block0.qkv")
                        && q.matrices().containsKey("block1.down")
                        && q.matrices().containsKey("head"),
                q.matrices().keySet().toString());
        QuantizedMatrix qkv = q.matrices().get("block0.qkv");
        assertEquals(3 * 16, qkv.rows());
        assertEquals(16, qkv.cols());
        Gpt tied = new Gpt(new GptConfig(11, 16, 2, 2, 16, 0.1f, true)).initialize(nd);
        assertEquals(
                8, QuantizedGpt.of(tied, 8, 0).matrices().size(), "a tied head is the embedding table, left in float");
    }

    @Test
    void applyingMovesEachWeightByAtMostHalfAStep() {
        float[][] before = parameters(model);
        QuantizedGpt q = QuantizedGpt.of(model, 8, 0);
        float[][] after = parameters(model);
        for (int i = 0; i < before.length; i++)
            assertArrayEquals(before[i], after[i], 0f, "of() leaves the model alone");

        Gpt quantised = copy(model);
        q.applyTo(quantised);
        Map<String, NDArray> original = LinearWeights.of(model), applied = LinearWeights.of(quantised);
        double changed = 0;
        for (String name : original.keySet()) {
            QuantizedMatrix m = q.matrices().get(name);
            float[] w = original.get(name).toFloatArray(), v = applied.get(name).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                float scale = m.scales()[i / m.groupSize()];
                assertTrue(
                        Math.abs(v[i] - w[i]) <= scale / 2 + 1e-7f,
                        name + "[" + i + "]: " + w[i] + " → " + v[i] + ", scale " + scale);
                changed += Math.abs(v[i] - w[i]);
            }
            assertArrayEquals(m.dequantize(), v, 0f, name);
        }
        assertTrue(changed > 0, "rounding changed something");
        // Everything that is not a matrix (embeddings, norms, biases) is untouched.
        PairList<String, Parameter> from = model.getParameters(), to = quantised.getParameters();
        for (int i = 0; i < from.size(); i++) {
            if (!isMatrix(original, from.get(i).getValue().getArray())) {
                assertArrayEquals(
                        from.get(i).getValue().getArray().toFloatArray(),
                        to.get(i).getValue().getArray().toFloatArray(),
                        0f,
                        from.get(i).getKey());
            }
        }
    }

    @Test
    void bytesCountCodesAndScalesPlusFloatsForTheRest() {
        Map<String, NDArray> linear = LinearWeights.of(model);
        long matrixWeights = linear.values().stream().mapToLong(NDArray::size).sum();
        long others = model.parameterCount() - matrixWeights;
        for (int[] setting : new int[][] {{8, 0}, {4, 8}, {4, 16}}) {
            QuantizedGpt q = QuantizedGpt.of(model, setting[0], setting[1]);
            long expected = 4 * others;
            for (QuantizedMatrix m : q.matrices().values()) expected += m.bytes();
            assertEquals(expected, q.bytes(model), Arrays.toString(setting));
            assertTrue(q.bytes(model) < 4 * model.parameterCount(), Arrays.toString(setting));
        }
        long int8 = QuantizedGpt.of(model, 8, 0).bytes(model),
                int4 = QuantizedGpt.of(model, 4, 8).bytes(model);
        assertTrue(int4 < int8, int4 + " vs " + int8);
    }

    @Test
    void writeThenReadGivesTheQuantisedModel() throws IOException {
        for (int[] setting : new int[][] {{8, 0}, {4, 8}}) {
            QuantizedGpt q = QuantizedGpt.of(model, setting[0], setting[1]);
            Gpt applied = copy(model);
            q.applyTo(applied);
            Path file = q.write(dir.resolve("model-" + setting[0] + ".q"), model);
            assertTrue(Files.size(file) < 4 * model.parameterCount(), "smaller than float32");
            Gpt read = QuantizedGpt.read(file, nd);
            assertEquals(TINY, read.config());
            float[][] expected = parameters(applied), actual = parameters(read);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(
                        expected[i],
                        actual[i],
                        0f,
                        setting[0] + " bits, parameter "
                                + model.getParameters().get(i).getKey());
            }
        }
    }

    @Test
    void damagedAndForeignFilesAreRefused() throws IOException {
        QuantizedGpt q = QuantizedGpt.of(model, 8, 0);
        byte[] bytes = Files.readAllBytes(q.write(dir.resolve("good.q"), model));

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        Path corrupt = Files.write(dir.resolve("corrupt.q"), flipped);
        IOException e = assertThrows(IOException.class, () -> QuantizedGpt.read(corrupt, nd));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

        Path truncated = Files.write(dir.resolve("truncated.q"), Arrays.copyOf(bytes, bytes.length - 100));
        assertThrows(IOException.class, () -> QuantizedGpt.read(truncated, nd));
        Path stub = Files.write(dir.resolve("stub.q"), Arrays.copyOf(bytes, 20));
        assertThrows(IOException.class, () -> QuantizedGpt.read(stub, nd));

        Path foreign = Files.writeString(
                dir.resolve("notes.md"),
                "# not a quantised model, but long enough to have a header and a checksum after it");
        IOException notOurs = assertThrows(IOException.class, () -> QuantizedGpt.read(foreign, nd));
        assertTrue(notOurs.getMessage().contains("not a quantised GPT"), notOurs.getMessage());
        assertThrows(IOException.class, () -> QuantizedGpt.read(dir.resolve("missing.q"), nd));
    }

    @Test
    void anotherConfigurationIsRefused() {
        QuantizedGpt q = QuantizedGpt.of(model, 8, 0);
        Gpt other = new Gpt(new GptConfig(11, 16, 1, 2, 16, 0.1f, false)).initialize(nd);
        assertThrows(IllegalArgumentException.class, () -> q.applyTo(other));
        assertThrows(IllegalArgumentException.class, () -> q.bytes(other));
        assertThrows(IllegalArgumentException.class, () -> q.write(dir.resolve("x.q"), other));
        assertThrows(IllegalArgumentException.class, () -> QuantizedGpt.of(model, 4, 5), "5 does not divide 16");
    }
}
