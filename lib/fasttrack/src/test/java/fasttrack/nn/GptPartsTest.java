package fasttrack.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import fasttrack.runtime.Setup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parts a notebook assembles into a forward pass (notebook 10) give exactly {@link Gpt#logits}. */
class GptPartsTest {

    private NDManager nd;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Setup.seed(12);
        nd = Setup.manager().newSubManager();
        ps = new ParameterStore(nd, false);
    }

    @AfterEach
    void tearDown() {
        nd.close();
    }

    @Test
    void embeddingsBlocksFinalNormAndOutputWeightsGiveTheLogits() {
        for (boolean tied : new boolean[] {false, true}) {
            GptConfig config = new GptConfig(20, 16, 2, 2, 16, 0.1f, tied);
            Gpt model = new Gpt(config).initialize(nd);
            assertEquals(new Shape(20, 16), model.tokenEmbeddings().getShape());
            assertEquals(new Shape(16, 16), model.positionEmbeddings().getShape());
            assertEquals(new Shape(20, 16), model.outputWeights().getShape());
            if (tied) assertSame(model.tokenEmbeddings(), model.outputWeights(), "tied: the output layer is the token table");

            NDArray ids = nd.create(new long[] {1, 5, 7, 3, 9, 2, 0, 19, 4, 4}, new Shape(2, 5));
            NDArray h = model.tokenEmbeddings().get(ids).add(model.positionEmbeddings().get("0:5"));
            for (TransformerBlock block : model.blocks()) h = block.forward(ps, new NDList(h), false).singletonOrThrow();
            h = model.finalNorm().forward(ps, new NDList(h), false).singletonOrThrow();
            NDArray byParts = h.matMul(model.outputWeights().transpose());
            float difference = byParts.sub(model.logits(ps, ids, false)).abs().max().getFloat();
            assertTrue(difference < 1e-6, "tied " + tied + ": the parts give the logits, difference " + difference);
        }
    }
}
