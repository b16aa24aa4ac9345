package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvCacheBytesTest {

    private NDManager nd;

    @BeforeEach
    void setUp() {
        Setup.seed(9);
        nd = Setup.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void bytesCountEveryLayersKeysAndValues() {
        int layers = 2, embed = 16, batch = 2, tokens = 5;
        Gpt model = new Gpt(new GptConfig(11, 16, layers, 2, embed, 0f, false)).initialize(nd);
        ParameterStore ps = new ParameterStore(nd, false);
        try (KvCache cache = new KvCache(nd, layers)) {
            assertEquals(0, cache.bytes(), "empty");
            model.logitsCached(
                    ps, nd.create(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new Shape(batch, tokens)), cache);
            assertEquals(tokens, cache.length());
            // Per layer: keys and values, each (batch, heads, tokens, d) float32 = batch · tokens · C · 4 bytes.
            assertEquals(2L * layers * embed * tokens * batch * 4, cache.bytes());
            model.logitsCached(ps, nd.create(new long[] {1, 2}, new Shape(batch, 1)), cache);
            assertEquals(2L * layers * embed * (tokens + 1) * batch * 4, cache.bytes(), "grows by one position");
            cache.clear();
            assertEquals(0, cache.bytes());
        }
    }
}
