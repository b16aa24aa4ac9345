/**
 * LoRA on a {@link fasttrack.nn.Gpt}: the low-rank adapter layer ({@link fasttrack.lora.LoraLinear}),
 * which layers to adapt and how ({@link fasttrack.lora.LoraConfig}), and attaching, merging, saving
 * and loading adapters on a model ({@link fasttrack.lora.LoraAdapters}).
 */
package fasttrack.lora;
