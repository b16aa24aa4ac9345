package fasttrack.eval;

/**
 * One language-model loss in the units people quote. The training loss is the mean cross-entropy H
 * in nats per token (natural log); with T tokens the text costs T·H nats in all, and
 * <pre>
 *   perplexity        = e^H                   (as unsure as a fair choice among e^H tokens)
 *   bits per token    = H / ln 2
 *   bits per character = T·H / (ln 2 · characters)
 *   bits per byte     = T·H / (ln 2 · UTF-8 bytes)
 * </pre>
 * Perplexity and bits per token depend on the tokenizer (a token of 4 characters is harder to guess
 * than one character), so models with different tokenizers are compared in bits per character or
 * per byte, which divide the same total information by a count of the text itself.
 *
 * @param natsPerToken H, the mean cross-entropy per token, in nats
 * @param tokens       T, how many tokens H was averaged over
 */
public record LanguageModelLoss(double natsPerToken, long tokens) {

    private static final double LN2 = Math.log(2);

    public LanguageModelLoss {
        if (!(natsPerToken >= 0) || Double.isInfinite(natsPerToken)) {
            throw new IllegalArgumentException("natsPerToken must be a finite cross-entropy >= 0, got " + natsPerToken);
        }
        if (tokens <= 0)
            throw new IllegalArgumentException(
                    "tokens must be positive (how many tokens the loss was averaged over), got " + tokens);
    }

    /** e^H. */
    public double perplexity() {
        return Math.exp(natsPerToken);
    }

    /** H / ln 2. */
    public double bitsPerToken() {
        return natsPerToken / LN2;
    }

    /** T·H: the whole text's cost in nats. */
    public double totalNats() {
        return natsPerToken * tokens;
    }

    /** T·H / (ln 2 · characters). */
    public double bitsPerCharacter(long characters) {
        if (characters <= 0) throw new IllegalArgumentException("characters must be positive, got " + characters);
        return totalNats() / (LN2 * characters);
    }

    /** Bits per character of {@code text}, counting Unicode code points (what a character tokenizer sees). */
    public double bitsPerCharacter(String text) {
        return bitsPerCharacter(requireText(text).codePointCount(0, text.length()));
    }

    /** T·H / (ln 2 · bytes). */
    public double bitsPerByte(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes must be positive, got " + bytes);
        return totalNats() / (LN2 * bytes);
    }

    /** Bits per UTF-8 byte of {@code text}. */
    public double bitsPerByte(String text) {
        return bitsPerByte(requireText(text).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    private static String requireText(String text) {
        if (text == null || text.isEmpty())
            throw new IllegalArgumentException("give the text the loss was measured on, not an empty one");
        return text;
    }
}
