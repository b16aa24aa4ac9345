/**
 * Notebooks 07–11, the transformer as DJL blocks, each small enough to test on its own: scaled dot-product
 * attention, multi-head attention, positional encodings, the feed-forward layer, the pre-norm block, the GPT
 * and its configuration, the KV cache, and {@link fasttrack.nn.CachedDecoder}, the same GPT's forward in plain
 * Java loops for fast batch-1 and batched decoding.
 */
package fasttrack.nn;
