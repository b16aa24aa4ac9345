/**
 * Notebook 10, training a GPT: AdamW written with its update rule, the warm-up and cosine schedule, token
 * batches, {@link fasttrack.train.GptTrainer} (per-step native-memory scopes, clipping, evaluation,
 * distillation), the training history, checksummed checkpoints that resume exactly, and
 * {@link fasttrack.train.KjvGpt}, notebook 10's recipe, which later notebooks train when run alone.
 */
package fasttrack.train;
