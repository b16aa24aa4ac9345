package fasttrack.generate;

import fasttrack.nn.CachedDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Speculative decoding (Leviathan, Kalman and Matias 2023; Chen et al. 2023): a small draft model
 * guesses k tokens one at a time; the large target model scores all k in one pass; the guesses it
 * agrees with are kept, and the first disagreement is replaced by the target's own choice. Every
 * round yields at least one token the target chose, so the output follows the target exactly:
 * greedy, token for token; sampled, in distribution, by the acceptance rule below.
 */
public final class SpeculativeDecoder {

    /** What a run produced and how often the draft was right. */
    public record Result(List<Integer> tokens, int rounds, int proposed, int accepted) {
        /** The share of drafted tokens the target accepted. */
        public double acceptanceRate() {
            return proposed == 0 ? 0 : (double) accepted / proposed;
        }

        /** Tokens produced per target pass (1 without a draft). */
        public double tokensPerRound() {
            return (double) tokens.size() / rounds;
        }
    }

    private final CachedDecoder draft;
    private final CachedDecoder target;
    private final int lookahead;

    public SpeculativeDecoder(CachedDecoder draft, CachedDecoder target, int lookahead) {
        if (draft == target) throw new IllegalArgumentException("the draft and the target must be two decoders");
        if (draft.vocabSize() != target.vocabSize()) {
            throw new IllegalArgumentException("the draft predicts " + draft.vocabSize() + " tokens, the target "
                    + target.vocabSize() + ": speculative decoding needs one vocabulary (the same tokenizer)");
        }
        if (lookahead < 1)
            throw new IllegalArgumentException("the draft must guess at least 1 token ahead, got " + lookahead);
        this.draft = draft;
        this.target = target;
        this.lookahead = lookahead;
    }

    /** The target's greedy continuation of {@code prompt}, {@code count} tokens, the draft guessing ahead. */
    public Result greedy(int[] prompt, int count) {
        return run(prompt, count, null, 1);
    }

    /** A sample from the target at {@code temperature}, the draft sampling its guesses at the same temperature. */
    public Result sample(int[] prompt, int count, float temperature, Random random) {
        if (!(temperature > 0) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("the temperature must be > 0, got " + temperature);
        return run(prompt, count, random, temperature);
    }

    private Result run(int[] prompt, int count, Random random, float temperature) {
        if (prompt.length < 1) throw new IllegalArgumentException("the prompt needs at least one token");
        if (count < 1) throw new IllegalArgumentException("generate at least 1 token, got " + count);
        int context = Math.min(draft.blockSize(), target.blockSize()); // both caches hold every token
        if (prompt.length + count + lookahead > context) {
            throw new IllegalArgumentException(prompt.length + " prompt tokens + " + count + " new + " + lookahead
                    + " guessed ahead exceed the context of " + context + " tokens");
        }
        draft.clear();
        target.clear();
        float[] draftNext = last(draft.next(prompt)), targetNext = last(target.next(prompt));
        List<Integer> out = new ArrayList<>();
        int rounds = 0, proposed = 0, accepted = 0;
        while (out.size() < count) {
            int base = target.length(), k = Math.min(lookahead, count - out.size());
            // The draft guesses k tokens, remembering its distribution for each.
            int[] guesses = new int[k];
            float[][] draftP = new float[k][];
            for (int i = 0; i < k; i++) {
                draftP[i] = probabilities(draftNext, temperature);
                guesses[i] = random == null ? Sampling.argmax(draftNext) : draw(draftP[i], random);
                draftNext = draft.next(guesses[i]).clone();
            }
            // The target scores every guess in one pass: targetP[i] is its distribution for guess i.
            float[][] after = target.next(guesses);
            float[][] targetP = new float[k + 1][];
            targetP[0] = probabilities(targetNext, temperature);
            for (int i = 0; i < k; i++) targetP[i + 1] = probabilities(after[i], temperature);
            int kept = 0;
            int next = -1;
            for (; kept < k; kept++) {
                int g = guesses[kept];
                boolean accept = random == null
                        ? g == Sampling.argmax(targetP[kept])
                        : random.nextDouble() < Math.min(1, targetP[kept][g] / draftP[kept][g]);
                if (!accept) {
                    // Greedy: the target's own choice. Sampled: a draw from the residual max(0, p − q), renormalised.
                    next = random == null
                            ? Sampling.argmax(targetP[kept])
                            : draw(residual(targetP[kept], draftP[kept]), random);
                    break;
                }
            }
            if (kept == k)
                next = random == null
                        ? Sampling.argmax(targetP[k])
                        : draw(targetP[k], random); // all kept: one more from the target
            rounds++;
            proposed += k;
            accepted += kept;
            for (int i = 0; i < kept; i++) out.add(guesses[i]);
            out.add(next);
            // Both caches drop what was not kept, then read the new token.
            target.rewind(base + kept);
            draft.rewind(base + kept);
            targetNext = target.next(next).clone();
            draftNext = draft.next(next).clone();
        }
        return new Result(List.copyOf(out.subList(0, count)), rounds, proposed, accepted);
    }

    /** The target alone: greedy decoding one token per pass, the baseline speculative decoding must equal. */
    public static List<Integer> greedyAlone(CachedDecoder model, int[] prompt, int count) {
        model.clear();
        float[] next = last(model.next(prompt));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int token = Sampling.argmax(next);
            out.add(token);
            if (i + 1 < count) next = model.next(token);
        }
        return out;
    }

    /** softmax(logits / temperature). */
    public static float[] probabilities(float[] logits, float temperature) {
        float[] p = new float[logits.length];
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** max(0, p − q) renormalised: where a rejected guess's replacement is drawn from. */
    public static float[] residual(float[] p, float[] q) {
        float[] r = new float[p.length];
        double sum = 0;
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.max(0, p[i] - q[i]);
            sum += r[i];
        }
        if (sum == 0) return p; // p = q: nothing was rejected in expectation; p itself is the right draw
        for (int i = 0; i < r.length; i++) r[i] /= sum;
        return r;
    }

    /**
     * Expected tokens per target pass when each guess is accepted independently with probability
     * α and the draft guesses k ahead: 1 + α + … + α^k = (1 − α^(k+1)) / (1 − α).
     */
    public static double expectedTokensPerRound(double alpha, int k) {
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("α must be in [0, 1], got " + alpha);
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        return alpha == 1 ? k + 1 : (1 - Math.pow(alpha, k + 1)) / (1 - alpha);
    }

    static int draw(float[] p, Random random) {
        double u = random.nextDouble(), cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i];
            if (u < cumulative) return i;
        }
        return p.length - 1;
    }

    private static float[] last(float[][] logits) {
        return logits[logits.length - 1];
    }
}
