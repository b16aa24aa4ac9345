package fasttrack.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Contamination check: which validation n-grams occur verbatim in the training data? A validation
 * score means little if the text it is measured on was also trained on; the GPT-3 paper (Brown et
 * al. 2020, appendix C) flagged a test example as contaminated when it shared a 13-gram with the
 * training set. Here an n-gram is n consecutive token ids, or n consecutive characters (Unicode code
 * points) for text; n-grams never span two training sequences.
 * <p>
 * The index keeps one sorted {@code long} per training n-gram: the high bits hold a hash of the
 * n-gram, the low bits its start position. The hash is a polynomial over the ids mod 2^64,
 * h = Σ_i t_i · P^(n−1−i), updated in O(1) per step as the window slides (Karp and Rabin 1987), then
 * mixed so its high bits are well spread. A lookup binary-searches the keys whose high bits match and
 * compares the tokens at each stored position, so the answer is exact: a hash collision costs one
 * extra comparison, never a false match. Memory is 8 bytes per distinct n-gram plus 4 per training
 * token: about 50 MB for 4 million characters.
 */
public final class NgramOverlap {

    private static final long P = 0x9E3779B97F4A7C15L; // odd, so multiplying by it loses no information mod 2^64

    /**
     * How many of a sequence's n-grams occur in training.
     *
     * @param ngrams    the sequence's n-grams (its length − n + 1, or 0 if shorter than n)
     * @param seen      how many of them occur verbatim in training
     * @param firstSeen start of the first seen n-gram, −1 if none
     */
    public record Overlap(int ngrams, int seen, int firstSeen) {
        /** seen / ngrams, 0 when there are no n-grams. */
        public double fraction() {
            return ngrams == 0 ? 0 : (double) seen / ngrams;
        }

        public boolean contaminated() {
            return seen > 0;
        }
    }

    /** One validation line (numbered from 1) and its overlap with training. */
    public record Line(int number, String text, Overlap overlap) {
        public boolean contaminated() {
            return overlap.contaminated();
        }
    }

    private final int n;
    private final int[] tokens; // every training sequence, end to end
    private final long[] keys; // sorted; (mixed hash with the low bits cleared) | start in tokens
    private final long positionMask; // the low bits of a key that hold the position

    private NgramOverlap(int n, int[] tokens, long[] keys, long positionMask) {
        this.n = n;
        this.tokens = tokens;
        this.keys = keys;
        this.positionMask = positionMask;
    }

    /** Indexes the n-grams of token-id sequences (one per document or split part). */
    public static NgramOverlap of(int n, List<int[]> training) {
        return of(n, training, 1);
    }

    /** As {@link #of(int, List)}, with at least {@code positionBits} low bits for the position: tests use many to force hash collisions. */
    static NgramOverlap of(int n, List<int[]> training, int positionBits) {
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n + " (13 is a common choice)");
        if (training == null || training.isEmpty())
            throw new IllegalArgumentException("give at least one training sequence");
        long total = 0;
        for (int[] sequence : training) {
            if (sequence == null) throw new IllegalArgumentException("a training sequence is null");
            total += sequence.length;
        }
        if (total > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("training data too large for one index: " + total + " tokens");
        int[] tokens = new int[(int) total];
        List<Integer> starts = new ArrayList<>();
        int offset = 0;
        for (int[] sequence : training) {
            System.arraycopy(sequence, 0, tokens, offset, sequence.length);
            starts.add(offset);
            offset += sequence.length;
        }
        long mask = (1L << Math.max(positionBits, 64 - Long.numberOfLeadingZeros(Math.max(1, total - 1)))) - 1;
        long[] keys = new long[(int) Math.max(0, total)];
        int count = 0;
        for (int s = 0; s < training.size(); s++) {
            int start = starts.get(s), length = training.get(s).length;
            if (length < n) continue;
            long power = power(n), h = hash(tokens, start, n);
            for (int i = start; ; i++) {
                keys[count++] = (mix(h) & ~mask) | i;
                if (i + n >= start + length) break;
                h = h * P + tokens[i + n] - tokens[i] * power; // slide: drop t_i, append t_(i+n)
            }
        }
        long[] sorted = Arrays.copyOf(keys, count);
        Arrays.sort(sorted);
        return new NgramOverlap(n, tokens, distinct(sorted, tokens, n, mask), mask);
    }

    public static NgramOverlap of(int n, int[]... training) {
        return of(n, Arrays.asList(training));
    }

    /** Indexes the character n-grams (code points) of training texts. */
    public static NgramOverlap ofText(int n, String... training) {
        if (training == null) throw new IllegalArgumentException("give at least one training text");
        List<int[]> sequences = new ArrayList<>();
        for (String text : training) {
            if (text == null) throw new IllegalArgumentException("a training text is null");
            sequences.add(text.codePoints().toArray());
        }
        return of(n, sequences);
    }

    public int n() {
        return n;
    }

    /** How many different n-grams training holds. */
    public int distinctNgrams() {
        return keys.length;
    }

    /** Does the n-gram {@code sequence[start .. start+n)} occur in training? */
    public boolean contains(int[] sequence, int start) {
        if (start < 0 || start + n > sequence.length) {
            throw new IllegalArgumentException(
                    "an n-gram at " + start + " needs " + n + " tokens, the sequence has " + sequence.length);
        }
        return find(hash(sequence, start, n), sequence, start);
    }

    /** Which n-grams of a validation sequence occur in training. */
    public Overlap check(int[] validation) {
        return check(validation, 0, validation.length);
    }

    /** Which character n-grams of a validation text occur in training. */
    public Overlap checkText(String validation) {
        return check(validation.codePoints().toArray());
    }

    /** Each line of a validation text (split at \n, a trailing \r dropped) checked on its own. */
    public List<Line> checkLines(String validation) {
        List<Line> lines = new ArrayList<>();
        String[] parts = validation.split("\n", -1);
        for (int i = 0; i < parts.length; i++) {
            String line = parts[i].endsWith("\r") ? parts[i].substring(0, parts[i].length() - 1) : parts[i];
            lines.add(new Line(i + 1, line, checkText(line)));
        }
        return lines;
    }

    /** A validation sequence cut into consecutive windows (the last may be shorter), each checked on its own. */
    public List<Overlap> checkWindows(int[] validation, int windowLength) {
        if (windowLength < n)
            throw new IllegalArgumentException("windowLength must be at least n = " + n + ", got " + windowLength);
        List<Overlap> windows = new ArrayList<>();
        for (int from = 0; from < validation.length; from += windowLength) {
            windows.add(check(validation, from, Math.min(validation.length, from + windowLength)));
        }
        return windows;
    }

    /** The n-grams lying inside validation[from .. to). */
    private Overlap check(int[] validation, int from, int to) {
        int ngrams = Math.max(0, to - from - n + 1), seen = 0, first = -1;
        if (ngrams == 0) return new Overlap(0, 0, -1);
        long power = power(n), h = hash(validation, from, n);
        for (int i = from; ; i++) {
            if (find(h, validation, i)) {
                seen++;
                if (first < 0) first = i - from;
            }
            if (i + n >= to) break;
            h = h * P + validation[i + n] - validation[i] * power;
        }
        return new Overlap(ngrams, seen, first);
    }

    /** Binary search for the keys sharing h's high bits, then an exact comparison at each one's position. */
    private boolean find(long h, int[] sequence, int start) {
        long prefix = mix(h) & ~positionMask;
        for (int k = lowerBound(keys, prefix); k < keys.length && (keys[k] & ~positionMask) == prefix; k++) {
            if (Arrays.equals(
                    tokens,
                    (int) (keys[k] & positionMask),
                    (int) (keys[k] & positionMask) + n,
                    sequence,
                    start,
                    start + n)) return true;
        }
        return false;
    }

    /** Sorted keys without repeats of the same n-gram (repeats share a hash, so they sit in one run of equal prefixes). */
    private static long[] distinct(long[] sorted, int[] tokens, int n, long mask) {
        int kept = 0, runStart = 0;
        for (long key : sorted) {
            if (kept > runStart && (sorted[kept - 1] & ~mask) != (key & ~mask)) runStart = kept;
            int at = (int) (key & mask);
            boolean repeat = false;
            for (int k = runStart; k < kept && !repeat; k++) {
                int other = (int) (sorted[k] & mask);
                repeat = Arrays.equals(tokens, other, other + n, tokens, at, at + n);
            }
            if (!repeat) sorted[kept++] = key;
        }
        return Arrays.copyOf(sorted, kept);
    }

    /** First index whose key is >= value (keys compared as signed longs, as Arrays.sort orders them). */
    private static int lowerBound(long[] keys, long value) {
        int lo = 0, hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** Σ_i t_(start+i) · P^(n−1−i) mod 2^64, by Horner's rule. */
    private static long hash(int[] sequence, int start, int n) {
        long h = 0;
        for (int i = start; i < start + n; i++) h = h * P + sequence[i];
        return h;
    }

    /** P^n mod 2^64. */
    private static long power(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) p *= P;
        return p;
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects the high bits the index sorts on. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
