package fasttrack.text;

import java.util.Arrays;

/**
 * BPE's merge table and its encoding loop, shared by the BPE trained here ({@link BpeTokenizer}) and the
 * rank tables of OpenAI's tokenizers ({@link RankedBpe}): which adjacent pair of tokens merges into which
 * token. In both, a token's id is its rank: a learned merge's token is 256 + the merge's index, and tiktoken
 * numbers its tokens in the order they were learned. So "merge the pair learned earliest" is "merge the
 * pair whose merged token has the lowest id".
 *
 * <p>The loop is tiktoken's: merge the lowest-ranked adjacent pair (the leftmost among equals), one merge at
 * a time, until no adjacent pair is in the table. For merges learned by BPE training this gives what
 * replaying the merges in order does: a merge creates pairs with its new token, and those were learned
 * later, so every other occurrence of the same pair is merged next, left to right.
 *
 * <p>Pairs are kept in an open-addressing table of packed {@code long}s (o200k_base has 446,189 pairs):
 * no boxing, about 12 bytes a slot.
 */
final class PairMerges {

    private static final long EMPTY = -1L; // ids are never negative, so no packed pair is -1

    private long[] keys;
    private int[] merged;
    private int size;

    PairMerges(int expectedPairs) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedPairs * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        merged = new int[capacity];
    }

    /** Records that tokens {@code left} then {@code right} merge into token {@code into} (whose id is its rank). */
    void put(int left, int right, int into) {
        if (left < 0 || right < 0 || into < 0)
            throw new IllegalArgumentException("token ids must be >= 0: " + left + " " + right + " -> " + into);
        if (2 * (size + 1) > keys.length) grow();
        long key = pair(left, right);
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
        }
        merged[slot] = into;
    }

    /** The token {@code left} and {@code right} merge into, or -1 when they do not merge. */
    int get(int left, int right) {
        long key = pair(left, right);
        int slot = slot(key);
        return keys[slot] == EMPTY ? -1 : merged[slot];
    }

    int size() {
        return size;
    }

    /**
     * Merges adjacent tokens of {@code ids} (changed in place and returned, or a shorter copy) until no pair
     * is in the table, always the lowest-ranked pair first, the leftmost among equals.
     */
    int[] apply(int[] ids) {
        int n = ids.length;
        if (n < 2) return ids;
        int[] rank = new int[n - 1]; // rank[i]: what ids[i], ids[i+1] merge into, MAX_VALUE if nothing
        for (int i = 0; i + 1 < n; i++) rank[i] = rankOf(ids[i], ids[i + 1]);
        while (n > 1) {
            int best = 0;
            for (int i = 1; i < n - 1; i++) if (rank[i] < rank[best]) best = i;
            if (rank[best] == Integer.MAX_VALUE) break;
            ids[best] = rank[best];
            System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
            if (best + 2 < n - 1) System.arraycopy(rank, best + 2, rank, best + 1, n - best - 3);
            n--;
            if (best > 0) rank[best - 1] = rankOf(ids[best - 1], ids[best]);
            if (best < n - 1) rank[best] = rankOf(ids[best], ids[best + 1]);
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    private int rankOf(int left, int right) {
        int into = get(left, right);
        return into < 0 ? Integer.MAX_VALUE : into;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldMerged = merged;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        merged = new int[keys.length];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == EMPTY) continue;
            int slot = slot(oldKeys[i]);
            keys[slot] = oldKeys[i];
            merged[slot] = oldMerged[i];
        }
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }
}
