package fasttrack.scale;

/**
 * Memory per device for training a model of Ψ parameters with Adam in mixed precision, the
 * accounting of the ZeRO paper (Rajbhandari et al. 2020): 16-bit weights (2Ψ bytes) and gradients
 * (2Ψ), and K = 12 bytes per parameter of optimizer state (a float32 master copy of the weights and
 * Adam's two moments), 16Ψ bytes of "model states" in all. Activations come on top (see
 * {@link #activationsPerLayer}).
 *
 * <ul>
 *   <li>data parallelism: every device holds all 16Ψ;</li>
 *   <li>ZeRO stage 1 shards the optimizer state over the N_d data-parallel devices: 4Ψ + 12Ψ/N_d;
 *       stage 2 also the gradients: 2Ψ + 14Ψ/N_d; stage 3 also the weights: 16Ψ/N_d;</li>
 *   <li>tensor parallelism over t devices splits every weight matrix: 16Ψ/t;</li>
 *   <li>pipeline parallelism over p stages gives each stage L/p layers: 16Ψ/p.</li>
 * </ul>
 */
public record TrainingMemory(double parameters) {

    /** Bytes per parameter of optimizer state: float32 master weights, Adam's m and v. */
    public static final int OPTIMIZER_BYTES = 12;

    public TrainingMemory {
        if (!(parameters > 0) || Double.isInfinite(parameters))
            throw new IllegalArgumentException("the parameter count must be positive, got " + parameters);
    }

    public double weights() {
        return 2 * parameters;
    }

    public double gradients() {
        return 2 * parameters;
    }

    public double optimizerStates() {
        return OPTIMIZER_BYTES * parameters;
    }

    /** Weights, gradients and optimizer state, all on one device: plain data parallelism. */
    public double dataParallel() {
        return weights() + gradients() + optimizerStates();
    }

    /** ZeRO {@code stage} (1, 2 or 3) over {@code devices} data-parallel devices. */
    public double zero(int stage, int devices) {
        requireDevices(devices);
        return switch (stage) {
            case 1 -> weights() + gradients() + optimizerStates() / devices;
            case 2 -> weights() + (gradients() + optimizerStates()) / devices;
            case 3 -> dataParallel() / devices;
            default -> throw new IllegalArgumentException("ZeRO has stages 1, 2 and 3, got " + stage);
        };
    }

    /** Tensor (intra-layer) parallelism: each of {@code devices} holds a slice of every matrix. */
    public double tensorParallel(int devices) {
        requireDevices(devices);
        return dataParallel() / devices;
    }

    /** Pipeline parallelism: each of {@code stages} devices holds a contiguous share of the layers. */
    public double pipelineParallel(int stages) {
        requireDevices(stages);
        return dataParallel() / stages;
    }

    /**
     * Activation bytes one transformer layer keeps for backward with 16-bit activations and no
     * recomputation, s·b·h·(34 + 5·a·s/h) (Korthikanti et al. 2022, "Reducing Activation Recomputation
     * in Large Transformer Models", eq. 1): sequence length s, batch b, width h, a heads.
     */
    public static double activationsPerLayer(long sequence, long batch, long width, long heads) {
        if (sequence < 1 || batch < 1 || width < 1 || heads < 1) {
            throw new IllegalArgumentException("sequence, batch, width and heads must be >= 1, got " + sequence + ", "
                    + batch + ", " + width + ", " + heads);
        }
        return (double) sequence * batch * width * (34 + 5.0 * heads * sequence / width);
    }

    private static void requireDevices(int devices) {
        if (devices < 1) throw new IllegalArgumentException("need at least one device, got " + devices);
    }
}
