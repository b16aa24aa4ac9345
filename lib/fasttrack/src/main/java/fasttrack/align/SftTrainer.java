package fasttrack.align;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.train.TrainingStep;
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

    public SftTrainer(
            Gpt model, List<EncodedExample> examples, Config config, Unfreezing unfreezing, NDManager parent) {
        super(model, config, unfreezing, parent);
        this.examples = List.copyOf(examples);
        try {
            if (examples.isEmpty())
                throw new IllegalArgumentException("supervised finetuning needs at least one example");
            for (EncodedExample e : examples) {
                if (e.tokens().length - 1 > model.config().blockSize()) {
                    throw new IllegalArgumentException(
                            "an example of " + e.tokens().length + " tokens does not fit the context of "
                                    + model.config().blockSize());
                }
            }
        } catch (IllegalArgumentException refused) {
            close(); // the optimizer's memory, already allocated
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

    /** One step ({@link TrainingStep}) of the masked loss on a batch of examples; returns its batch loss. */
    public double trainStep() {
        double loss = runStep(scope -> {
                    MaskedLoss.Batch batch =
                            MaskedLoss.arrays(ResponseBatch.of(pick(examples, batchIndices(examples.size()))), scope);
                    return () -> MaskedLoss.loss(
                            model.logits(parameters, batch.inputs(), true), batch.targets(), batch.mask());
                })
                .loss();
        losses.add(loss);
        return loss;
    }
}
