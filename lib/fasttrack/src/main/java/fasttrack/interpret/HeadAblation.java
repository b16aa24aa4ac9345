package fasttrack.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Which attention heads a forward pass knocks out, and how. Zero ablation removes a head's output
 * from the residual stream; mean ablation replaces it with its mean over the batch and positions,
 * which keeps the constant part later layers may rely on and removes only what depends on the
 * input. Either way the weights are untouched: an ablation lives in one forward pass, so the model
 * is whole again afterwards.
 */
public final class HeadAblation {

    /** Zero: the head adds nothing. Mean: the head adds its average output, whatever the input. */
    public enum Mode {
        ZERO,
        MEAN
    }

    /**
     * Where the replacement is seen: by everything after the head (the residual stream), or only by
     * later layers' keys, queries or values (path ablation), which tells how a later head uses it:
     * K-, Q- or V-composition.
     */
    public enum Path {
        EVERYWHERE,
        KEYS,
        QUERIES,
        VALUES
    }

    /** One head, by layer and index. */
    public record Head(int layer, int head) {
        @Override
        public String toString() {
            return layer + "." + head;
        }
    }

    private static final HeadAblation NONE = new HeadAblation(Mode.ZERO, List.of(), Path.EVERYWHERE);

    private final Mode mode;
    private final List<Head> heads;
    private final Path path;

    private HeadAblation(Mode mode, List<Head> heads, Path path) {
        this.mode = mode;
        this.heads = List.copyOf(heads);
        this.path = path;
    }

    /** Every head intact. */
    public static HeadAblation none() {
        return NONE;
    }

    /** The given heads zeroed. */
    public static HeadAblation zero(Head... heads) {
        return new HeadAblation(Mode.ZERO, List.of(heads), Path.EVERYWHERE);
    }

    /** The given heads replaced by their mean output. */
    public static HeadAblation mean(Head... heads) {
        return new HeadAblation(Mode.MEAN, List.of(heads), Path.EVERYWHERE);
    }

    /** The same heads and mode, replaced only in what later layers' keys (KEYS), queries or values read. */
    public HeadAblation only(Path path) {
        return new HeadAblation(mode, heads, path);
    }

    public Path path() {
        return path;
    }

    public Mode mode() {
        return mode;
    }

    public List<Head> heads() {
        return heads;
    }

    void requireWithin(AttentionOnlyTransformer.Config config) {
        for (Head h : heads) {
            if (h.layer() < 0 || h.layer() >= config.layers() || h.head() < 0 || h.head() >= config.heads()) {
                throw new IllegalArgumentException("cannot ablate head " + h + ": the model has layers 0.."
                        + (config.layers() - 1) + " with heads 0.." + (config.heads() - 1) + " each");
            }
            if (path != Path.EVERYWHERE && h.layer() == config.layers() - 1) {
                throw new IllegalArgumentException("head " + h
                        + " is in the last layer: no later layer reads it, so it cannot be removed from the "
                        + path.name().toLowerCase() + " only");
            }
        }
    }

    /** Layer {@code layer}'s head outputs (B, H, T, C) with this ablation applied. */
    NDArray apply(int layer, NDArray outputs) {
        int count = (int) outputs.getShape().get(1);
        float[] keep = new float[count];
        java.util.Arrays.fill(keep, 1f);
        boolean any = false;
        for (Head h : heads)
            if (h.layer() == layer) {
                keep[h.head()] = 0f;
                any = true;
            }
        if (!any) return outputs;
        NDArray mask = outputs.getManager().create(keep, new Shape(1, count, 1, 1));
        NDArray kept = outputs.mul(mask);
        if (mode == Mode.ZERO) return kept;
        NDArray mean = outputs.mean(new int[] {2}, true).mean(new int[] {0}, true); // (1, H, 1, C)
        return kept.add(mean.mul(mask.neg().add(1f)));
    }

    @Override
    public String toString() {
        if (heads.isEmpty()) return "no ablation";
        return mode.name().toLowerCase() + "-ablated " + new ArrayList<>(heads)
                + (path == Path.EVERYWHERE ? "" : " in later " + path.name().toLowerCase() + " only");
    }
}
