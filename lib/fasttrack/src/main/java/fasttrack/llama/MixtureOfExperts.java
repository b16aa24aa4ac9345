package fasttrack.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A sparse mixture of experts in Mixtral's form (Jiang et al. 2024, "Mixtral of Experts"): E
 * SwiGLU feed-forward networks ("experts") and a router, a linear layer giving each token E
 * scores. Each token goes to its top k experts, whose outputs are mixed by the router's
 * probabilities renormalised over the chosen k:
 * <pre>
 *   p = softmax(x W_routerᵀ)                 (E)
 *   S = the k experts of largest p           Mixtral: E = 8, k = 2
 *   y = Σ_{e ∈ S} (p_e / Σ_{j ∈ S} p_j) · SwiGLU_e(x)
 * </pre>
 * The model holds E experts' parameters but each token uses k of them: total and active
 * parameters differ (Mixtral 8×7B: 46.7 B held, 12.9 B used per token).
 *
 * <p>Left alone, a router tends to favour the experts that happen to train first, which then
 * train more: the others starve. The load-balancing loss (Fedus et al. 2021, "Switch
 * Transformers") pushes towards an even split:
 * <pre>
 *   L_balance = E · Σ_e f_e · P_e
 *   f_e = the share of the N·k routing slots that went to expert e (no gradient: a count)
 *   P_e = the mean router probability of expert e over the N tokens (differentiable)
 * </pre>
 * Both are 1/E for every expert when the load is even, and then L_balance = 1, its minimum for
 * a given P. Hugging Face's Mixtral counts f over top-k slots without dividing by k, so its loss
 * is k times this one; training adds it times a small coefficient (Mixtral: 0.02).
 *
 * <p>This block computes every expert on every token and zeroes the unchosen ones' share (dense
 * dispatch): the same outputs and gradients as sending each token to its k experts only, which is
 * what makes a real MoE cheap; it is simpler to read and, with 4 experts, costs 2× the active work.
 */
public final class MixtureOfExperts extends AbstractBlock {

    private final int embedDim;
    private final int hidden;
    private final int topK;
    private final Linear router;
    private final List<SwiGlu> experts = new ArrayList<>();

    /**
     * @param embedDim C
     * @param hidden   each expert's hidden width
     * @param experts  E, at least 2
     * @param topK     k, experts per token, 1 … E
     */
    public MixtureOfExperts(int embedDim, int hidden, int experts, int topK) {
        requireRouting(experts, topK);
        this.embedDim = embedDim;
        this.hidden = hidden;
        this.topK = topK;
        router = addChildBlock(
                "router", Linear.builder().setUnits(experts).optBias(false).build());
        for (int e = 0; e < experts; e++) this.experts.add(addChildBlock("expert" + e, new SwiGlu(embedDim, hidden)));
    }

    static void requireRouting(int experts, int topK) {
        if (experts < 2) throw new IllegalArgumentException("a mixture needs at least 2 experts, got " + experts);
        if (topK < 1 || topK > experts)
            throw new IllegalArgumentException("each token goes to 1.." + experts + " experts, got topK " + topK);
    }

    public int experts() {
        return experts.size();
    }

    public int topK() {
        return topK;
    }

    public SwiGlu expert(int e) {
        return experts.get(e);
    }

    /** The router's weight (E, C): Hugging Face's {@code block_sparse_moe.gate.weight}. */
    public NDArray routerWeight() {
        return router.getParameters().get("weight").getArray();
    }

    /** Held: the router E·C and E experts of 3·C·H. */
    public static long parameterCount(int embedDim, int hidden, int experts) {
        return (long) experts * embedDim + experts * SwiGlu.parameterCount(embedDim, hidden);
    }

    /** Used per token: the router and k experts. */
    public static long activeParameterCount(int embedDim, int hidden, int experts, int topK) {
        return (long) experts * embedDim + topK * SwiGlu.parameterCount(embedDim, hidden);
    }

    /**
     * The routing of N tokens from the router's logits (N, E): the mixing weights (N, E), each row
     * holding the renormalised probabilities of its k chosen experts and zeros elsewhere, then the
     * probabilities (N, E), then the choice mask (N, E) of ones and zeros. The mask has no gradient;
     * the weights do, through the probabilities.
     */
    public static NDList route(NDArray logits, int topK) {
        int e = (int) logits.getShape().get(logits.getShape().dimension() - 1);
        requireRouting(e, topK);
        NDArray probabilities = logits.softmax(-1);
        NDArray chosen =
                probabilities.stopGradient().topK(topK, -1, true, false).get(1); // (N, k) indices
        NDArray mask =
                chosen.oneHot(e, DataType.FLOAT32).sum(new int[] {-2}).toType(logits.getDataType(), false); // (N, E)
        NDArray kept = probabilities.mul(mask);
        return new NDList(kept.div(kept.sum(new int[] {-1}, true)), probabilities, mask);
    }

    /**
     * x (B, T, C) gives the output (B, T, C), then the load-balancing loss (a scalar), then the load
     * f (E): the share of routing slots each expert received.
     */
    public NDList forward(ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        if (shape.dimension() != 3 || shape.get(2) != embedDim)
            throw new IllegalArgumentException("the mixture expects (batch, time, " + embedDim + "), got " + shape);
        long n = shape.get(0) * shape.get(1);
        NDArray flat = x.reshape(n, embedDim);
        NDList routing = route(router.forward(ps, new NDList(flat), training).singletonOrThrow(), topK);
        NDArray weights = routing.get(0), probabilities = routing.get(1), mask = routing.get(2);
        NDArray out = null;
        for (int e = 0; e < experts.size(); e++) { // dense dispatch: see the class comment
            NDArray y = experts.get(e)
                    .forward(ps, new NDList(flat), training)
                    .singletonOrThrow()
                    .mul(weights.get(new NDIndex(":, {}:{}", e, e + 1)));
            out = out == null ? y : out.add(y);
        }
        NDManager m = x.getManager();
        NDArray slots = m.full(new Shape(), (float) topK, x.getDataType()),
                count = m.full(new Shape(), (float) experts.size(), x.getDataType());
        NDArray load = mask.mean(new int[] {0}).div(slots); // f: shares summing to 1
        NDArray balance = load.mul(probabilities.mean(new int[] {0})).sum().mul(count);
        return new NDList(out.reshape(shape), balance, load);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training).get(0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        router.initialize(manager, dataType, inputShapes[0]);
        for (SwiGlu expert : experts) expert.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "MixtureOfExperts(C=" + embedDim + ", " + experts.size() + " experts of H=" + hidden + ", top-" + topK
                + ")";
    }
}
