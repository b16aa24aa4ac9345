/**
 * Notebook 11, generation: sampling (greedy, temperature, top-k, top-p), the generation loop with and
 * without a KV cache, and speculative decoding (notebook 15) with its acceptance rule.
 */
package fasttrack.generate;
