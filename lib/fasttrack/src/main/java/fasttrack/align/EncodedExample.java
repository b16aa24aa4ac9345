package fasttrack.align;

import fasttrack.text.Tokenizer;
import java.util.Arrays;

/**
 * An example as token ids: the prompt's {@code promptLength} tokens, then the response and the stop
 * marker. Training reads tokens 0..n−2 and predicts 1..n−1; only predictions of response tokens count.
 */
public record EncodedExample(int[] tokens, int promptLength) {

    public EncodedExample {
        if (promptLength < 1 || promptLength >= tokens.length) {
            throw new IllegalArgumentException(
                    "need a prompt and at least one response token, got " + promptLength + " of " + tokens.length);
        }
    }

    /** Encodes {@code example} for a model with a context of {@code blockSize} tokens. */
    public static EncodedExample of(InstructionExample example, Tokenizer tokenizer, int blockSize) {
        int[] prompt = tokenizer.encode(ChatTemplate.prompt(example.prompt()));
        int[] all = tokenizer.encode(ChatTemplate.conversation(example));
        if (prompt.length >= blockSize) {
            throw new IllegalArgumentException("the prompt \"" + example.prompt() + "\" takes " + prompt.length
                    + " tokens, the model's context is " + blockSize
                    + ": shorten the prompt to leave room for an answer");
        }
        if (all.length - 1 > blockSize) {
            throw new IllegalArgumentException("prompt and response of \"" + example.prompt() + "\" take " + all.length
                    + " tokens, more than the context of " + blockSize + " plus one: shorten the response by "
                    + (all.length - 1 - blockSize) + " tokens");
        }
        if (!Arrays.equals(prompt, Arrays.copyOf(all, prompt.length))) {
            throw new IllegalArgumentException(
                    "the tokenizer encodes the prompt differently alone and with its response: use one that splits at the template's boundary");
        }
        return new EncodedExample(all, prompt.length);
    }

    /** Response tokens, the stop marker included. */
    public int responseLength() {
        return tokens.length - promptLength;
    }

    public int[] prompt() {
        return Arrays.copyOf(tokens, promptLength);
    }

    public int[] response() {
        return Arrays.copyOfRange(tokens, promptLength, tokens.length);
    }
}
