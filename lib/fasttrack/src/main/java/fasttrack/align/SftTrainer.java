package fasttrack.align;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import java.util.ArrayList;
import java.util.List;

/**
 * Supervised finetuning on instructions: each step draws a batch of examples, runs the model over
 * prompt and response, and minimises the cross-entropy of the response tokens only
 * ({@link MaskedLoss}): the model learns to answer, not to write questions. Works on a whole model,
 * on one with LoRA adapters attached (only the adapters train), and with layers frozen or unfrozen
 * gradually ({@link Unfreezing}).
 */
public final class SftTrainer extends PostTraining {

    private final List<EncodedExample> examples;
    private final ParameterStore parameters;
    private final List<Double> losses = new ArrayList<>();

    public SftTrainer(Gpt model, List<EncodedExample> examples, Config config, Unfreezing unfreezing, NDManager parent) {
        super(model, config, unfreezing, parent);
        this.examples = List.copyOf(examples);
        try {
            if (examples.isEmpty()) throw new IllegalArgumentException("supervised finetuning needs at least one example");
            for (EncodedExample e : examples) {
                if (e.tokens().length - 1 > model.config().blockSize()) {
                    throw new IllegalArgumentException("an example of " + e.tokens().length + " tokens does not fit the context of " + model.config().blockSize());
                }
            }
        } catch (IllegalArgumentException refused) {
            close();   // the optimizer's memory, already allocated
            throw refused;
        }
        this.parameters = new ParameterStore(manager, false);
    }

    /** The batch loss of every step so far. */
    public List<Double> losses() {
        return List.copyOf(losses);
    }

    /** Trains {@code steps} more steps (at most to the end of the run). */
    public void train(int steps) {
        int end = Math.min(config.steps(), step + steps);
        while (step < end) trainStep();
    }

    /** One step; returns its batch loss. */
    public double trainStep() {
        if (step >= config.steps()) throw new IllegalStateException("the run has ended after " + config.steps() + " steps");
        Engine.getInstance().setRandomSeed((int) (config.seed() * 7919 + step));   // dropout masks fixed by seed and step
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] batch = MaskedLoss.arrays(ResponseBatch.of(pick(examples, batchIndices(examples.size()))), scope);
            double loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = MaskedLoss.loss(model.logits(parameters, batch[0], true), batch[1], batch[2]);
                loss = value.getFloat();
                collector.backward(value);
            }
            update(scope);
            losses.add(loss);
            return loss;
        }
    }
}
