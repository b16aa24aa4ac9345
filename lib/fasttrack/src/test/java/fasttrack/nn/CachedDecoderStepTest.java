package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CachedDecoder#step}: one token for each of several sequences of one model in a single pass
 * (what the server's dynamic batching runs), as sequences join, pause and come in any order, against
 * each sequence decoded alone with {@link CachedDecoder#next(int)} on its own fresh decoder; and what
 * it refuses. The claim is bit-for-bit equality, so the floats are compared exactly (assertArrayEquals
 * without a tolerance compares the bits). {@link CachedDecoderEquivalenceTest} covers it over many shapes.
 */
class CachedDecoderStepTest {

    private static final int VOCAB = 13, BLOCK = 16;

    private NDManager nd;
    private Gpt model;

    @BeforeEach
    void setUp() {
        nd = Setup.manager().newSubManager();
        model = model(new GptConfig(VOCAB, BLOCK, 2, 2, 16, 0f, false), 41);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    /** A seeded random model with its matrices scaled up, so logits vary strongly with position and context. */
    private Gpt model(GptConfig config, int seed) {
        Setup.seed(seed);
        Gpt m = new Gpt(config).initialize(nd);
        for (Pair<String, Parameter> p : m.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) continue;
            float[] values = w.toFloatArray();
            for (int i = 0; i < values.length; i++) values[i] *= 10;
            Tensors.overwrite(w, values);
        }
        return m;
    }

    /** Sequences may join late, sit a step out, and come in any order: each still gets its own logits. */
    @Test
    void subsetsAndAnyOrderGiveTheSameLogits() {
        CachedDecoder root = CachedDecoder.of(model);
        CachedDecoder a = root.newSequence(), b = root.newSequence(), c = root.newSequence();
        CachedDecoder refA = CachedDecoder.of(model), refB = CachedDecoder.of(model), refC = CachedDecoder.of(model);
        int[][] script = {
            // tokens for a, b, c; -1: not in this step
            {3, 8, -1}, {12, -1, 5}, {0, 4, 4}, {-1, 9, 1}, {6, 6, 6},
        };
        for (int[] row : script) {
            List<CachedDecoder> seqs = new ArrayList<>();
            List<CachedDecoder> refs = new ArrayList<>();
            List<Integer> tokens = new ArrayList<>();
            // c, b, a: reverse order, to show order in the list does not matter
            CachedDecoder[] s = {c, b, a}, r = {refC, refB, refA};
            int[] t = {row[2], row[1], row[0]};
            for (int i = 0; i < 3; i++) {
                if (t[i] < 0) continue;
                seqs.add(s[i]);
                refs.add(r[i]);
                tokens.add(t[i]);
            }
            float[][] logits = CachedDecoder.step(
                    seqs, tokens.stream().mapToInt(Integer::intValue).toArray());
            for (int i = 0; i < seqs.size(); i++) {
                assertArrayEquals(
                        refs.get(i).next(tokens.get(i)), logits[i], "row " + Arrays.toString(row) + ", entry " + i);
                assertEquals(refs.get(i).length(), seqs.get(i).length());
            }
        }
        assertEquals(List.of(4, 4, 4), List.of(a.length(), b.length(), c.length()));
        // A single sequence through step() is next(int) too, and the root decoder can be a member.
        float[] alone = CachedDecoder.of(model).next(11).clone();
        assertArrayEquals(alone, CachedDecoder.step(List.of(root), new int[] {11})[0]);
        assertEquals(0, CachedDecoder.step(List.of(), new int[0]).length);
    }

    @Test
    void stepRefusesWhatItCannotDecodeAndLeavesEverySequenceAsItWas() {
        CachedDecoder root = CachedDecoder.of(model);
        CachedDecoder a = root.newSequence(), b = root.newSequence();
        a.next(1);
        a.next(2);
        a.next(3);
        b.next(4);

        // Another decoder of the same Gpt has its own copy of the weights; another model certainly does.
        CachedDecoder otherCopy = CachedDecoder.of(model);
        Gpt different = model(new GptConfig(VOCAB, BLOCK, 1, 2, 16, 0f, false), 42);
        for (CachedDecoder stranger : List.of(otherCopy, CachedDecoder.of(different))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> CachedDecoder.step(List.of(a, stranger), new int[] {0, 0}));
            assertTrue(
                    e.getMessage().contains("sequence 1") && e.getMessage().contains("newSequence()"), e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(
                IllegalArgumentException.class, () -> CachedDecoder.step(List.of(a, b, a), new int[] {0, 1, 2}));
        assertTrue(
                twice.getMessage().contains("sequence 2") && twice.getMessage().contains("twice"), twice.getMessage());
        for (int bad : new int[] {-1, VOCAB}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> CachedDecoder.step(List.of(a, b), new int[] {0, bad}));
            assertTrue(
                    e.getMessage().contains("token " + bad) && e.getMessage().contains("0.." + (VOCAB - 1)),
                    e.getMessage());
        }
        IllegalArgumentException count =
                assertThrows(IllegalArgumentException.class, () -> CachedDecoder.step(List.of(a, b), new int[] {0}));
        assertTrue(count.getMessage().contains("2 sequences need 2 tokens, got 1"), count.getMessage());

        // Nothing was decoded by any refused call.
        assertEquals(3, a.length());
        assertEquals(1, b.length());

        // Fill b's context: then b is refused, by name, and a (listed first) is not touched either.
        CachedDecoder refB = CachedDecoder.of(model);
        refB.next(4);
        for (int i = 1; i < BLOCK; i++) {
            assertArrayEquals(
                    refB.next(i % VOCAB).clone(),
                    CachedDecoder.step(List.of(b), new int[] {i % VOCAB})[0],
                    "position " + i);
        }
        assertEquals(BLOCK, b.length());
        IllegalStateException full =
                assertThrows(IllegalStateException.class, () -> CachedDecoder.step(List.of(a, b), new int[] {0, 0}));
        assertTrue(
                full.getMessage().contains("sequence 1") && full.getMessage().contains("whole context of " + BLOCK),
                full.getMessage());
        assertEquals(3, a.length());
        // a still decodes correctly after the refusals: its cache was not written.
        CachedDecoder refA = CachedDecoder.of(model);
        refA.next(1);
        refA.next(2);
        refA.next(3);
        assertArrayEquals(refA.next(9).clone(), CachedDecoder.step(List.of(a), new int[] {9})[0]);
    }
}
