package fasttrack.nn;

/**
 * The attention of a GPT: multi-head self-attention where each position sees only itself and the
 * positions before it, so a model trained to predict the next token cannot peek at it.
 */
public final class CausalSelfAttention extends MultiHeadAttention {

    public CausalSelfAttention(int embedDim, int heads, float dropout) {
        super(embedDim, heads, true, dropout);
    }
}
