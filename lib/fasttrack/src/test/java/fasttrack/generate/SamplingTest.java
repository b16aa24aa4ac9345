package fasttrack.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplingTest {

    private static final float[] LOGITS = {2f, 1f, 0.5f, 0f, -1f};

    @Test
    void greedyTakesTheArgmax() {
        assertEquals(0, Sampling.greedy().sample(LOGITS, new Random(1)));
        assertEquals(1.0, Sampling.greedy().distribution(LOGITS)[0]);
    }

    @Test
    void temperatureSharpensAndFlattens() {
        double[] cold = Sampling.temperature(0.5, 1).distribution(LOGITS),
                warm = Sampling.temperature(2, 1).distribution(LOGITS);
        double[] plain = Sampling.temperature(1, 1).distribution(LOGITS);
        assertTrue(cold[0] > plain[0] && plain[0] > warm[0]);
        double sum = 0;
        for (float l : LOGITS) sum += Math.exp(l);
        assertEquals(Math.exp(2) / sum, plain[0], 1e-12, "temperature 1 is the plain softmax");
    }

    @Test
    void topKAndTopPKeepTheRightTokens() {
        double[] k2 = new Sampling(1, 2, 1, 1).distribution(LOGITS);
        assertEquals(2, Arrays.stream(k2).filter(p -> p > 0).count());
        assertEquals(1.0, k2[0] + k2[1], 1e-12);
        double[] plain = Sampling.temperature(1, 1).distribution(LOGITS);
        double[] p = new Sampling(1, 0, plain[0] + 0.01, 1).distribution(LOGITS); // needs the top two to reach p
        assertEquals(2, Arrays.stream(p).filter(x -> x > 0).count());
        double[] tiny = new Sampling(1, 0, 0.01, 1).distribution(LOGITS);
        assertEquals(1.0, tiny[0], "top-p below the top probability keeps just the top token");
    }

    @Test
    void samplesFollowTheDistribution() {
        Sampling s = new Sampling(1, 3, 1, 5);
        double[] expected = s.distribution(LOGITS);
        int[] counts = new int[LOGITS.length];
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) counts[s.sample(LOGITS, random)]++;
        for (int i = 0; i < LOGITS.length; i++) assertEquals(expected[i], counts[i] / 100_000.0, 0.01, "token " + i);
        assertEquals(0, counts[3] + counts[4], "tokens outside the top 3 never appear");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sampling(-1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(1, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(1, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(1, 0, 1.5, 1));
    }
}
