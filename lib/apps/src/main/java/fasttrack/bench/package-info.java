/**
 * Application, apart from the course: the benchmarks that {@code lib/bin/benchmark} runs, the course GPT
 * against the same model in plain PyTorch timed side by side in one process tree, the engine profile,
 * and the comparison of notebook 10's recipe with its alternatives. Timings live here, never in tests.
 */
package fasttrack.bench;
