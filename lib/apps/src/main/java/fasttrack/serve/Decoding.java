package fasttrack.serve;

import fasttrack.generate.Sampling;
import java.util.List;

/**
 * What the scheduler decodes for one request, whichever API it came through: the prompt's tokens,
 * how many tokens to generate at most, how to sample them, and the texts that end the generation
 * early (finish reason "stop"; the stop text itself is not returned, as in OpenAI's API).
 */
public record Decoding(int[] promptTokens, int maxTokens, Sampling sampling, List<String> stop) {

    public Decoding {
        if (promptTokens.length == 0) throw new IllegalArgumentException("a decoding needs at least one prompt token");
        if (maxTokens < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        stop = List.copyOf(stop);
    }

    /**
     * The sampling policy for a request's parameters. A temperature above 0 but below the smallest
     * normal float (about 1.2e-38) is greedy: there the softmax of logits / T has long become the
     * argmax, and dividing a logit by it could overflow to infinity and turn the distribution into NaN.
     */
    static Sampling sampling(double temperature, int topK, double topP, long seed) {
        return new Sampling(temperature < Float.MIN_NORMAL ? 0 : temperature, topK, topP, seed);
    }
}
