/**
 * Notebook 16, scaling: a training step's FLOPs from its matrix products (and the profiler's count of
 * them), IsoFLOP sweeps and Chinchilla-style fits, all-reduce and data parallelism, ZeRO's memory
 * arithmetic, and float16 mixed precision with loss scaling.
 */
package fasttrack.scale;
