/**
 * Application, apart from the course: the benchmarks that {@code lib/bin/benchmark} runs, the course GPT
 * against the same model in plain PyTorch timed side by side in one process tree, the engine profile,
 * the comparison of notebook 10's recipe with its alternatives, and the course's BPE encoder against
 * js-tiktoken on OpenAI's rank tables ({@code --tokenizers}). Timings live here, never in tests.
 */
package fasttrack.bench;
