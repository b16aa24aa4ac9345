package fasttrack.align;

import fasttrack.generate.Sampling;
import fasttrack.nn.CachedDecoder;
import fasttrack.nn.Gpt;
import fasttrack.text.Tokenizer;

/**
 * The model as an assistant: wraps an instruction in the {@link ChatTemplate}, decodes greedily with
 * the KV cache, and stops at the stop marker, at {@code maxTokens}, or when the context is full.
 */
public final class Assistant {

    private final CachedDecoder decoder;
    private final Tokenizer tokenizer;
    private final int stop;

    /** Reads {@code model}'s weights now: build a new assistant after training it further. */
    public Assistant(Gpt model, Tokenizer tokenizer) {
        this.decoder = CachedDecoder.of(model);
        this.tokenizer = tokenizer;
        int[] stopIds = tokenizer.encode(ChatTemplate.STOP);
        if (stopIds.length != 1)
            throw new IllegalArgumentException(
                    "the stop marker must be one token for this tokenizer, it is " + stopIds.length);
        this.stop = stopIds[0];
    }

    /** An answer and whether it ended with the stop marker (rather than at the token limit or a full context). */
    public record Reply(String text, boolean stopped) {}

    /** The greedy answer to {@code instruction}, without the stop marker. */
    public String answer(String instruction, int maxTokens) {
        return reply(instruction, maxTokens).text();
    }

    /** The greedy answer to {@code instruction} and whether the model ended it with the stop marker. */
    public Reply reply(String instruction, int maxTokens) {
        int[] prompt = tokenizer.encode(ChatTemplate.prompt(instruction));
        if (prompt.length >= decoder.blockSize()) {
            throw new IllegalArgumentException("the prompt takes " + prompt.length + " tokens, the context "
                    + decoder.blockSize() + ": shorten it");
        }
        decoder.clear();
        float[][] logits = decoder.next(prompt);
        float[] last = logits[logits.length - 1];
        StringBuilder answer = new StringBuilder();
        for (int i = 0; i < maxTokens; i++) {
            int next = Sampling.argmax(last);
            if (next == stop) return new Reply(answer.toString(), true);
            answer.append(tokenizer.decode(new int[] {next}));
            if (decoder.length() >= decoder.blockSize()) break;
            last = decoder.next(next);
        }
        return new Reply(answer.toString(), false);
    }
}
