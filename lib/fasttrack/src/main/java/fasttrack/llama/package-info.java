/**
 * Notebook 20, from GPT-2 to Llama: the parts that changed, each small enough to write by hand and
 * check against the library and against Jlama.
 * <ul>
 *   <li>{@link fasttrack.llama.RmsNorm}: normalise by the root mean square only (no mean, no shift).</li>
 *   <li>{@link fasttrack.llama.Rope}: rotary position embeddings, in both pair layouts (Hugging Face's
 *       "rotate half" and Meta's interleaved pairs), with the row permutation between them.</li>
 *   <li>{@link fasttrack.llama.SwiGlu}: the gated feed-forward network and Llama's rule for its width.</li>
 *   <li>{@link fasttrack.llama.GroupedQueryAttention}: H query heads sharing K key/value heads (K = H
 *       multi-head, K = 1 multi-query); the KV cache holds K heads.</li>
 *   <li>{@link fasttrack.llama.MixtureOfExperts}: Mixtral's top-k router with renormalised weights and
 *       the load-balancing loss.</li>
 *   <li>{@link fasttrack.llama.TiledAttention}: FlashAttention's forward pass (tiles and an online
 *       softmax) in plain Java, with its memory and HBM-traffic arithmetic.</li>
 *   <li>{@link fasttrack.llama.Llama}, {@link fasttrack.llama.LlamaConfig}, {@link fasttrack.llama.LlamaBlock}
 *       and {@link fasttrack.llama.LlamaTrainer}: the whole model, trained with the course GPT's recipe.</li>
 *   <li>{@link fasttrack.llama.LlamaFolder}: the model as a Hugging Face {@code LlamaForCausalLM}
 *       ({@code MixtralForCausalLM}) folder; {@link fasttrack.llama.PlainLlama}, an independent plain-Java
 *       reading of such a folder; {@link fasttrack.llama.Agreement}, how close two implementations' answers are.
 *       Jlama, through {@link fasttrack.hub.JlamaReference}, is the outside reference.</li>
 * </ul>
 */
package fasttrack.llama;
