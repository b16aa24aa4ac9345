/**
 * Notebook 17, from text model to assistant: instruction data from real text, the chat template with a stop
 * marker, the masked SFT loss and trainer (freezing, gradual unfreezing, LoRA), preference pairs and DPO
 * with a frozen reference, and the assistant that answers with the tuned model.
 */
package fasttrack.align;
