package fasttrack.align;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import fasttrack.nn.Gpt;
import fasttrack.train.TrainingHistory;
import fasttrack.train.TrainingStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct Preference Optimization (Rafailov et al. 2023). With the policy π being trained, a frozen
 * reference π_ref (the SFT model it starts from) and a pair (x, y_w preferred, y_l rejected), the
 * implicit reward of an answer is r(x, y) = β·(log π(y|x) − log π_ref(y|x)) and the loss
 * <pre>L = −log σ(r(x, y_w) − r(x, y_l))</pre>
 * is the Bradley–Terry likelihood that y_w beats y_l. It is what RLHF's objective (reward minus β·KL
 * to the reference) optimises, rewritten so that no reward model is trained and nothing is sampled:
 * β sets how far the policy may move from the reference.
 */
public final class DpoTrainer extends PostTraining {

    /** One step: loss, mean implicit reward of chosen and rejected answers, their mean margin, and the share of pairs with a positive margin. */
    public record Step(
            int step, double loss, double chosenReward, double rejectedReward, double margin, double accuracy) {}

    private final Gpt reference;
    private final float beta;
    private final List<PreferencePair.Encoded> pairs;
    private final ParameterStore parameters;
    private final List<Step> history = new ArrayList<>();

    /**
     * @param policy    the model trained (typically a copy of the SFT model)
     * @param reference the frozen reference, a different model object with the same configuration; frozen here
     * @param pairs     encoded pairs ({@link PreferencePair#encode})
     * @param beta      the strength of the pull towards the reference (0.1 is usual)
     */
    public DpoTrainer(
            Gpt policy,
            Gpt reference,
            List<PreferencePair.Encoded> pairs,
            float beta,
            Config config,
            NDManager parent) {
        super(policy, config, Unfreezing.full(), parent);
        try {
            if (policy == reference)
                throw new IllegalArgumentException(
                        "the reference must be a separate copy: the policy moves, the reference must not");
            if (!policy.config().equals(reference.config())) {
                throw new IllegalArgumentException("policy and reference must have the same configuration: "
                        + policy.config() + " vs " + reference.config());
            }
            if (!(beta > 0) || Float.isInfinite(beta))
                throw new IllegalArgumentException("beta must be > 0, got " + beta);
            if (pairs.isEmpty()) throw new IllegalArgumentException("DPO needs at least one preference pair");
        } catch (IllegalArgumentException refused) {
            close(); // the optimizer's memory, already allocated
            throw refused;
        }
        reference.freezeParameters(true);
        this.reference = reference;
        this.beta = beta;
        this.pairs = List.copyOf(pairs);
        this.parameters = new ParameterStore(manager, false);
    }

    public List<Step> history() {
        return List.copyOf(history);
    }

    public float beta() {
        return beta;
    }

    /**
     * The DPO loss from sequence log-probabilities (each (B,)): −mean log σ(β·((π_w − ref_w) − (π_l − ref_l))).
     * log σ(z) = z − log(1 + e^z) is the second entry of log softmax([0, z]), which the engine computes
     * stably for any z (a large margin would overflow e^z).
     */
    public static NDArray loss(
            NDArray policyChosen,
            NDArray policyRejected,
            NDArray referenceChosen,
            NDArray referenceRejected,
            float beta) {
        NDArray z = policyChosen
                .sub(referenceChosen)
                .sub(policyRejected.sub(referenceRejected))
                .mul(policyChosen.getManager().create(beta));
        NDArray logSigmoid =
                NDArrays.stack(new NDList(z.zerosLike(), z), -1).logSoftmax(-1).get(":, 1");
        return logSigmoid.mean().neg();
    }

    /** Trains {@code steps} more steps (at most to the end of the run). */
    public void train(int steps) {
        int end = Math.min(config.steps(), step + steps);
        while (step < end) trainStep();
    }

    /** One step ({@link TrainingStep}) of the DPO loss on a batch of pairs; returns its record. */
    public Step trainStep() {
        int[] picked = batchIndices(pairs.size());
        List<EncodedExample> rows = new ArrayList<>();
        for (int i : picked) rows.add(pairs.get(i).chosen());
        for (int i : picked)
            rows.add(pairs.get(i).rejected()); // chosen rows first, then rejected: one forward for both
        int b = picked.length;
        float[][] logProbs = new float[2][]; // the policy's and the reference's, for the record
        TrainingHistory.Step done = runStep(scope -> {
            MaskedLoss.Batch batch = MaskedLoss.arrays(ResponseBatch.of(rows), scope);
            // the reference runs before gradients are recorded: no graph
            NDArray ref = MaskedLoss.sequenceLogProbs(
                    reference.logits(parameters, batch.inputs(), false), batch.targets(), batch.mask());
            return () -> {
                // dropout off for the policy too (as TRL does by default): both see the same network, so z = 0 at the
                // start
                NDArray policy = MaskedLoss.sequenceLogProbs(
                        model.logits(parameters, batch.inputs(), false), batch.targets(), batch.mask());
                logProbs[0] = policy.toFloatArray();
                logProbs[1] = ref.toFloatArray();
                return loss(policy.get("0:" + b), policy.get(b + ":"), ref.get("0:" + b), ref.get(b + ":"), beta);
            };
        });
        float[] p = logProbs[0], r = logProbs[1];
        double chosen = 0, rejected = 0, correct = 0;
        for (int i = 0; i < b; i++) {
            double rw = beta * (p[i] - r[i]), rl = beta * (p[b + i] - r[b + i]);
            chosen += rw / b;
            rejected += rl / b;
            if (rw > rl) correct++;
        }
        Step record = new Step(done.step(), done.loss(), chosen, rejected, chosen - rejected, correct / b);
        history.add(record);
        return record;
    }

    /**
     * The mean per-token KL(π ‖ π_ref) over the response positions of {@code examples}: how far the
     * policy's next-token distributions have moved from the reference's, exactly, over the whole vocabulary.
     */
    public static double klDivergence(Gpt policy, Gpt reference, List<EncodedExample> examples, NDManager manager) {
        double sum = 0, tokens = 0;
        for (int from = 0; from < examples.size(); from += 32) {
            try (NDManager scope = manager.newSubManager()) {
                MaskedLoss.Batch a = MaskedLoss.arrays(
                        ResponseBatch.of(examples.subList(from, Math.min(examples.size(), from + 32))), scope);
                ParameterStore ps = new ParameterStore(scope, false);
                NDArray logP = policy.logits(ps, a.inputs(), false).logSoftmax(-1),
                        logQ = reference.logits(ps, a.inputs(), false).logSoftmax(-1);
                NDArray perPosition = logP.exp().mul(logP.sub(logQ)).sum(new int[] {-1});
                sum += perPosition.mul(a.mask()).sum().getFloat();
                tokens += a.mask().sum().getFloat();
            }
        }
        return sum / tokens;
    }

    /** Whether every weight of {@code model} is frozen (requires no gradient). */
    public static boolean frozen(Gpt model) {
        return model.trainableWeights().isEmpty();
    }
}
