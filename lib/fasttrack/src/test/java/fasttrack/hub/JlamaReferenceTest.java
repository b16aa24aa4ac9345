package fasttrack.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import fasttrack.nn.FeedForward;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.tensors.Tensors;
import fasttrack.text.BpeTokenizer;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported folder against an implementation no one here wrote: Jlama loads it in its own
 * process (Java 21+) and its next-token distributions must equal the course model's within 1e-4 at
 * every position of every prompt, and its greedy continuations must be the same tokens.
 */
class JlamaReferenceTest {

    private static final String TEXT =
            "In the beginning was the word, and the word was with the text; the text was long enough to learn from. "
                    + "Then came tokens, and tokens became vectors, and vectors became predictions of the next token.\n";
    private static final List<String> PROMPTS =
            List.of("In the beginning", "the word was with the text; the text", "Then came tokens, and vectors\n");
    private static final int GREEDY = 12;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(31);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    private static JlamaReference jlama() {
        Optional<JlamaReference> found = JlamaReference.find();
        Assumptions.assumeTrue(
                found.isPresent(),
                "skipped: no Java 21+ runtime in FASTTRACK_JAVA21_HOME, JAVA_HOME, this JVM or /usr/lib/jvm/*"
                        + " (Jlama, the outside reference, needs one); install e.g. openjdk-21-jdk-headless to run this check");
        return found.get();
    }

    @Test
    void jlamaGivesTheCourseModelsDistributionsAndGreedyTokensForAByteLevelBpeFolder() throws Exception {
        JlamaReference jlama = jlama();
        BpeTokenizer bpe = BpeTokenizer.train(TEXT, 300);
        compare(
                jlama,
                bpe,
                new GptConfig(bpe.vocabSize(), 64, 2, 2, 64, 0f, true, FeedForward.Activation.GELU_TANH),
                "bpe");
    }

    @Test
    void jlamaGivesTheCourseModelsDistributionsForACharacterFolderToo() throws Exception {
        JlamaReference jlama = jlama();
        CharTokenizer chars = CharTokenizer.fit(TEXT);
        compare(
                jlama,
                chars,
                new GptConfig(chars.vocabSize(), 64, 3, 4, 64, 0.1f, true, FeedForward.Activation.GELU_TANH),
                "chars");
    }

    @Test
    void jlamasTimedGreedyDecodingChoosesTheCourseModelsTokens() throws Exception {
        JlamaReference jlama = jlama();
        CharTokenizer chars = CharTokenizer.fit(TEXT);
        GptConfig config = new GptConfig(chars.vocabSize(), 64, 2, 2, 64, 0f, true, FeedForward.Activation.GELU_TANH);
        Gpt model = RandomGpt.of(config, nd, 11, 0.3f);
        Path folder = Gpt2Folder.save(model, chars, dir.resolve("timed"));
        int[] prompt = chars.encode("In the beginning");
        JlamaReference.Speed speed = jlama.time(folder, prompt, 20, 1, 3);
        assertEquals(3, speed.seconds().size(), "one time per timed round");
        assertEquals(20, speed.tokens());
        assertTrue(speed.tokensPerSecond() > 0 && speed.threads() >= 1, speed.toString());
        assertEquals(
                speed.tokensPerSecond(),
                20
                        / speed.seconds().stream()
                                .mapToDouble(Double::doubleValue)
                                .min()
                                .orElseThrow(),
                1e-6 * speed.tokensPerSecond(),
                "the rate is the fastest round's");
        assertArrayEquals(
                greedy(model, prompt, 20), speed.greedy(), "Jlama's own greedy path picks the course model's tokens");
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> jlama.time(folder, prompt, 0, 1, 3));
    }

    @Test
    void foldersJlamaWouldComputeDifferentlyAreRefusedBeforeItRuns() {
        GptConfig ok = new GptConfig(50, 16, 1, 4, 64, 0f, true, FeedForward.Activation.GELU_TANH);
        JlamaReference.requireComparable(ok, dir);
        for (var wrong : List.of(
                java.util.Map.entry(ok.withTiedWeights(false), "untied"),
                java.util.Map.entry(ok.withActivation(FeedForward.Activation.GELU), "exact GELU"),
                java.util.Map.entry(
                        new GptConfig(50, 16, 1, 4, 32, 0f, true, FeedForward.Activation.GELU_TANH),
                        "heads of 8 dimensions"))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> JlamaReference.requireComparable(wrong.getKey(), dir));
            assertTrue(e.getMessage().contains(wrong.getValue()), e.getMessage());
        }
    }

    private void compare(JlamaReference jlama, Tokenizer tokenizer, GptConfig config, String name) throws Exception {
        Gpt model = RandomGpt.of(config, nd, 7, 0.3f);
        Path folder = Gpt2Folder.save(model, tokenizer, dir.resolve(name));
        List<int[]> prompts = PROMPTS.stream().map(tokenizer::encode).toList();
        List<JlamaReference.Prompt> answers = jlama.run(folder, prompts, GREEDY);
        assertEquals(prompts.size(), answers.size());

        double maxDiff = 0, peak = 0;
        for (int p = 0; p < prompts.size(); p++) {
            int[] ids = prompts.get(p);
            JlamaReference.Prompt theirs = answers.get(p);
            assertArrayEquals(ids, theirs.ids());
            double[][] ours = HubFixtures.softmax(HubFixtures.logits(model, nd, ids));
            assertEquals(ids.length, theirs.probabilities().length, "one distribution per position");
            for (int t = 0; t < ids.length; t++) {
                assertEquals(config.vocabSize(), theirs.probabilities()[t].length);
                for (int v = 0; v < config.vocabSize(); v++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ours[t][v] - theirs.probabilities()[t][v]));
                    peak = Math.max(peak, ours[t][v]);
                }
            }
            assertArrayEquals(
                    greedy(model, ids, GREEDY),
                    theirs.greedy(),
                    name + " prompt " + p + ": the same greedy continuation");
        }
        System.out.printf(
                "Jlama vs course (%s, %s, %s): max |p_course - p_jlama| = %.3e over %d prompts; largest probability %.3f%n",
                name, config, jlama, maxDiff, prompts.size(), peak);
        assertTrue(
                peak > 20.0 / config.vocabSize(),
                "the distributions are far from uniform (peak " + peak
                        + "), so the comparison has something to compare");
        assertTrue(maxDiff <= TOLERANCE, name + ": next-token probabilities differ by " + maxDiff + " > " + TOLERANCE);

        // The check can fail: the same weights with the exact GELU (what the export would have to say "gelu" for) are
        // told apart.
        Gpt exact = twin(model, config.withActivation(FeedForward.Activation.GELU));
        double exactDiff = 0;
        for (int p = 0; p < prompts.size(); p++) {
            double[][] ours = HubFixtures.softmax(HubFixtures.logits(exact, nd, prompts.get(p)));
            for (int t = 0; t < ours.length; t++) {
                for (int v = 0; v < config.vocabSize(); v++)
                    exactDiff = Math.max(
                            exactDiff, Math.abs(ours[t][v] - answers.get(p).probabilities()[t][v]));
            }
        }
        System.out.printf("  the same weights with the exact GELU differ from Jlama by %.3e%n", exactDiff);
        assertTrue(
                exactDiff > TOLERANCE && exactDiff > 50 * maxDiff,
                "the 1e-4 check rejects the exact GELU in place of GPT-2's tanh form: " + exactDiff + " against "
                        + maxDiff);
    }

    /** Tokens chosen by argmax, each fed back, from the course model's full forward pass (no cache). */
    private int[] greedy(Gpt model, int[] prompt, int steps) {
        int[] ids = Arrays.copyOf(prompt, prompt.length + steps);
        for (int s = 0; s < steps; s++) {
            float[][] logits = HubFixtures.logits(model, nd, Arrays.copyOf(ids, prompt.length + s));
            float[] last = logits[logits.length - 1];
            int best = 0;
            for (int v = 1; v < last.length; v++) if (last[v] > last[best]) best = v;
            ids[prompt.length + s] = best;
        }
        return Arrays.copyOfRange(ids, prompt.length, ids.length);
    }

    /** A model of {@code config} with {@code source}'s weights (same shapes, another activation). */
    private Gpt twin(Gpt source, GptConfig config) {
        Gpt twin = new Gpt(config).initialize(nd);
        PairList<String, Parameter> from = source.getParameters(), to = twin.getParameters();
        for (int i = 0; i < to.size(); i++) {
            Pair<String, Parameter> p = to.get(i);
            assertEquals(from.get(i).getKey(), p.getKey());
            Tensors.overwrite(
                    p.getValue().getArray(),
                    Tensors.floats(from.get(i).getValue().getArray()));
        }
        return twin;
    }
}
