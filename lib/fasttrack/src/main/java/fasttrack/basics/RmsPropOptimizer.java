package fasttrack.basics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RMSprop written with NDArray operations, because DJL 0.35's PyTorch engine does not implement
 * {@code Optimizer.rmsprop()} (its update throws "Not implemented"). Each weight keeps a running
 * mean of its squared gradients, s ← ρ·s + (1−ρ)·g², and steps by lr · g / (√s + ε): large,
 * noisy gradients get smaller steps, small consistent ones larger.
 */
public final class RmsPropOptimizer extends Optimizer {

    private final float learningRate;
    private final float rho;
    private final float epsilon;
    private final Map<String, Map<Device, NDArray>> meanSquares = new ConcurrentHashMap<>();

    private RmsPropOptimizer(Builder builder) {
        super(builder);
        this.learningRate = builder.learningRate;
        this.rho = builder.rho;
        this.epsilon = builder.epsilon;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDArray s = withDefaultState(meanSquares, parameterId, weight.getDevice(), k -> weight.zerosLike());
        // The weight requires gradients, so autograd forbids writing it in place; its detached view
        // shares the same memory and may be written. Temporaries made from long-lived arrays would
        // live in the weight's manager, so each is closed here.
        try (NDArray data = weight.stopGradient();
                NDArray g = grad.mul(rescaleGrad)) {
            if (getWeightDecay() != 0) {
                try (NDArray decay = data.mul(getWeightDecay())) {
                    g.addi(decay);
                }
            }
            if (clipGrad > 0) {
                try (NDArray clipped = g.clip(-clipGrad, clipGrad)) {
                    g.subi(g).addi(clipped);
                }
            }
            try (NDArray squared = g.square()) {
                s.muli(rho).addi(squared.muli(1 - rho));
            }
            try (NDArray root = s.sqrt()) {
                data.subi(g.divi(root.addi(epsilon)).muli(learningRate));
            }
        }
    }

    /** Learning rate 0.01, ρ = 0.9, ε = 1e-8 unless set. */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private float learningRate = 0.01f;
        private float rho = 0.9f;
        private float epsilon = 1e-8f;

        public Builder learningRate(float value) {
            if (!(value > 0) || Float.isInfinite(value))
                throw new IllegalArgumentException("the learning rate must be > 0, got " + value);
            learningRate = value;
            return this;
        }

        public Builder rho(float value) {
            if (!(value >= 0 && value < 1)) throw new IllegalArgumentException("rho must be in [0, 1), got " + value);
            rho = value;
            return this;
        }

        public Builder epsilon(float value) {
            if (!(value > 0)) throw new IllegalArgumentException("epsilon must be > 0, got " + value);
            epsilon = value;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public RmsPropOptimizer build() {
            return new RmsPropOptimizer(this);
        }
    }
}
