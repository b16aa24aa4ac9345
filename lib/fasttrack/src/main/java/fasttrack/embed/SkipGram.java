package fasttrack.embed;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import fasttrack.basics.LossCurve;
import java.util.Arrays;
import java.util.Random;

/**
 * word2vec's skip-gram with negative sampling (Mikolov et al., 2013), trained with DJL.
 *
 * <p>Each word has two vectors: v (as a centre word) and u (as a context word). For a centre word
 * c seen with context word o, and k "negative" words n drawn at random from the unigram
 * distribution raised to the 3/4 power, the loss is
 * {@code −log σ(u_o·v_c) − Σ_n log σ(−u_n·v_c)}: pull real pairs together, push random pairs apart.
 * Frequent words are subsampled (kept with probability √(t/f)) so "the" and "and" do not dominate.
 */
public final class SkipGram implements AutoCloseable {

    /**
     * @param dimensions   vector size
     * @param window       maximum distance between centre and context (each pair draws 1..window)
     * @param negatives    random negative words per pair
     * @param batchSize    pairs per step
     * @param learningRate Adam's learning rate
     * @param subsample    the threshold t of frequent-word subsampling (0 keeps every word)
     */
    public record Config(
            int dimensions, int window, int negatives, int batchSize, float learningRate, double subsample) {
        public Config {
            if (dimensions < 1) throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
            if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
            if (negatives < 1) throw new IllegalArgumentException("negatives must be >= 1, got " + negatives);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            if (!(learningRate > 0) || Float.isInfinite(learningRate))
                throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
            if (!(subsample >= 0)) throw new IllegalArgumentException("subsample must be >= 0, got " + subsample);
        }

        /** 64 dimensions, window 4, 5 negatives, 1024 pairs a step, Adam 0.005, t = 1e-4. */
        public static Config defaults() {
            return new Config(64, 4, 5, 1024, 0.005f, 1e-4);
        }
    }

    private static final int NEGATIVE_TABLE = 1 << 20;

    private final WordVocabulary vocabulary;
    private final Config config;
    private final int[] corpus;
    private final int[] negativeTable;
    private final Random random;
    private final NDManager manager;
    private final NDArray centre; // v: (V, d)
    private final NDArray context; // u: (V, d)
    private final Optimizer optimizer;

    public SkipGram(WordVocabulary vocabulary, int[] corpusIds, Config config, long seed, NDManager parent) {
        if (corpusIds.length < 2)
            throw new IllegalArgumentException(
                    "the corpus has " + corpusIds.length + " known words: too few to train on");
        for (int id : corpusIds) {
            if (id < 0 || id >= vocabulary.size())
                throw new IllegalArgumentException("corpus id " + id + " is not in the vocabulary");
        }
        this.vocabulary = vocabulary;
        this.config = config;
        this.random = new Random(seed);
        this.corpus = subsample(corpusIds, vocabulary.counts(), config.subsample(), random);
        this.negativeTable = unigramTable(vocabulary.counts());
        this.manager = parent.newSubManager();
        Engine.getInstance().setRandomSeed((int) seed);
        int v = vocabulary.size(), d = config.dimensions();
        centre = manager.randomUniform(-0.5f / d, 0.5f / d, new Shape(v, d)); // small: words start nearly equal
        context = manager.zeros(new Shape(v, d), DataType.FLOAT32);
        centre.setRequiresGradient(true);
        context.setRequiresGradient(true);
        optimizer = Optimizer.adam()
                .optLearningRateTracker(Tracker.fixed(config.learningRate()))
                .build();
    }

    /** Words left after subsampling: what training actually sees. */
    public int trainingWords() {
        return corpus.length;
    }

    /** Trains for {@code steps} batches; returns the loss of each. */
    public LossCurve fit(int steps) {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        int b = config.batchSize(), k = config.negatives();
        double[] losses = new double[steps];
        long[] centres = new long[b], contexts = new long[b], negatives = new long[b * k];
        for (int step = 0; step < steps; step++) {
            samplePairs(centres, contexts, negatives);
            try (NDManager scope = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray vc = centre.get(scope.create(centres)); // (b, d)
                NDArray uo = context.get(scope.create(contexts)); // (b, d)
                NDArray un = context.get(scope.create(negatives).reshape(b, k)); // (b, k, d)
                vc.attach(scope);
                uo.attach(scope);
                un.attach(scope); // gathered from long-lived arrays: free them with the step
                NDArray loss = loss(vc, uo, un);
                losses[step] = loss.getFloat();
                if (!Double.isFinite(losses[step])) return new LossCurve(Arrays.copyOf(losses, step), step);
                collector.backward(loss);
                for (NDArray weight : new NDArray[] {centre, context}) {
                    NDArray grad = weight.getGradient();
                    grad.attach(scope);
                    optimizer.update(weight == centre ? "centre" : "context", weight, grad);
                    grad.subi(grad);
                }
            }
        }
        return new LossCurve(losses, -1);
    }

    /**
     * The loss of one batch of b (centre, context) pairs with k negatives each, averaged over the
     * pairs: the mean of {@code −log σ(u_o·v_c) − Σ_n log σ(−u_n·v_c)}. {@link #fit} trains on it.
     *
     * @param centres   v_c, each pair's centre-word vector (b, d)
     * @param contexts  u_o, each pair's context-word vector (b, d)
     * @param negatives u_n, each pair's k negative words' context vectors (b, k, d)
     */
    public static NDArray loss(NDArray centres, NDArray contexts, NDArray negatives) {
        Shape c = centres.getShape(), o = contexts.getShape(), n = negatives.getShape();
        if (c.dimension() != 2 || !c.equals(o) || n.dimension() != 3 || n.get(0) != c.get(0) || n.get(2) != c.get(1)) {
            throw new IllegalArgumentException(
                    "need centres (b, d), contexts (b, d) and negatives (b, k, d), got " + c + ", " + o + ", " + n);
        }
        NDArray positive = centres.mul(contexts).sum(new int[] {1}); // u_o·v_c: (b)
        NDArray negative = negatives.batchMatMul(centres.expandDims(2)).squeeze(2); // u_n·v_c: (b, k)
        // −log σ(x) = softplus(−x): the stable form (σ underflows to 0 for very negative x, and log 0 = −∞).
        return Activation.softPlus(positive.neg())
                .mean()
                .add(Activation.softPlus(negative).sum(new int[] {1}).mean());
    }

    /** The centre vectors, the ones word2vec publishes. */
    public WordVectors vectors() {
        float[] flat = centre.toFloatArray();
        int d = config.dimensions();
        float[][] rows = new float[vocabulary.size()][];
        for (int i = 0; i < rows.length; i++) rows[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        return new WordVectors(vocabulary, rows);
    }

    private void samplePairs(long[] centres, long[] contexts, long[] negatives) {
        int w = config.window(), k = config.negatives();
        for (int p = 0; p < centres.length; p++) {
            int i, j;
            do {
                i = random.nextInt(corpus.length);
                int offset = 1 + random.nextInt(w);
                j = random.nextBoolean() ? i + offset : i - offset;
            } while (j < 0 || j >= corpus.length);
            centres[p] = corpus[i];
            contexts[p] = corpus[j];
            for (int n = 0; n < k; n++) negatives[p * k + n] = negativeTable[random.nextInt(NEGATIVE_TABLE)];
        }
    }

    /** Keeps each occurrence of word w with probability min(1, √(t / f(w))), f the word's frequency. */
    static int[] subsample(int[] ids, long[] counts, double t, Random random) {
        if (t == 0) return ids.clone();
        long total = Arrays.stream(counts).sum();
        int[] kept = Arrays.stream(ids)
                .filter(id -> random.nextDouble() < Math.sqrt(t / ((double) counts[id] / total)))
                .toArray();
        if (kept.length < 2)
            throw new IllegalArgumentException(
                    "subsampling with t = " + t + " left fewer than 2 words: use a larger t");
        return kept;
    }

    /** A table where word w fills a share proportional to count(w)^0.75: uniform draws from it sample negatives. */
    static int[] unigramTable(long[] counts) {
        double[] weights =
                Arrays.stream(counts).mapToDouble(c -> Math.pow(c, 0.75)).toArray();
        double total = Arrays.stream(weights).sum();
        int[] table = new int[NEGATIVE_TABLE];
        int word = 0;
        double cumulative = weights[0] / total;
        for (int i = 0; i < table.length; i++) {
            table[i] = word;
            if ((i + 1.0) / table.length > cumulative && word < weights.length - 1)
                cumulative += weights[++word] / total;
        }
        return table;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "SkipGram: " + vocabulary.size() + " words x " + config.dimensions() + " dimensions, " + corpus.length
                + " training words after subsampling";
    }
}
