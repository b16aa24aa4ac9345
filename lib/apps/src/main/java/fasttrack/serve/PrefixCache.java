package fasttrack.serve;

import fasttrack.nn.CachedDecoder;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reuse of a prompt prefix's KV cache: requests that begin alike (a system line, a few-shot preamble,
 * a conversation that grows by one turn) need not read their shared beginning again. After each
 * prefill the scheduler keeps a copy of the prompt's cache; a new prompt starts from the copy that
 * shares its longest prefix ({@link CachedDecoder#fork}) and reads only the rest. The copies are bounded
 * in number, the least recently used evicted first. The tokens are bit-for-bit those of a full prefill
 * (see {@code fork}); only the work differs. Used by the scheduler's thread alone.
 */
final class PrefixCache {

    /** A prompt's tokens as a map key. */
    private record Tokens(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && java.util.Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(ids);
        }
    }

    /** Where a prompt starts: a decoder holding its first {@code reused} tokens (0: a fresh one). */
    record Start(CachedDecoder decoder, int reused) {}

    private final int capacity;
    private final ServeMetrics metrics;
    private final LinkedHashMap<Tokens, CachedDecoder> entries = new LinkedHashMap<>(16, 0.75f, true);

    PrefixCache(int capacity, ServeMetrics metrics) {
        if (capacity < 0)
            throw new IllegalArgumentException("the prefix cache holds 0 (off) or more prompts, not " + capacity);
        this.capacity = capacity;
        this.metrics = metrics;
    }

    /**
     * A decoder for {@code prompt}: a copy of the cached prompt sharing its longest prefix, less its
     * last token at least (its logits are needed, so it is always read), or a fresh sequence of {@code model}.
     */
    Start start(int[] prompt, CachedDecoder model) {
        int best = 0;
        Tokens bestKey = null;
        for (Tokens key : entries.keySet()) {
            int shared = sharedPrefix(key.ids(), prompt);
            if (shared > best) {
                best = shared;
                bestKey = key;
            }
        }
        best = Math.min(best, prompt.length - 1);
        if (capacity > 0) metrics.prefixLookup(best > 0);
        metrics.prefill(best, prompt.length);
        if (best == 0) return new Start(model.newSequence(), 0);
        return new Start(entries.get(bestKey).fork(best), best); // get: marks it recently used
    }

    /** Keeps a copy of {@code decoder}'s cache, which holds all of {@code prompt}; evicts the least recently used past capacity. */
    void remember(int[] prompt, CachedDecoder decoder) {
        if (capacity == 0) return;
        entries.put(new Tokens(prompt.clone()), decoder.fork(prompt.length));
        for (Iterator<Map.Entry<Tokens, CachedDecoder>> it = entries.entrySet().iterator();
                entries.size() > capacity; ) {
            it.next();
            it.remove();
        }
    }

    int size() {
        return entries.size();
    }

    private static int sharedPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
