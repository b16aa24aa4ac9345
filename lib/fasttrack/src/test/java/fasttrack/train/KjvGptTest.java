package fasttrack.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Setup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notebook opened before notebook 10 has run trains notebook 10's model through {@link KjvGpt#checkpoint()}:
 * the same weights, tensor for tensor, as notebook 10's own calls give (a short run of the recipe here).
 */
class KjvGptTest {

    @TempDir
    Path dir;

    /** KjvGpt's training run cut to 3 steps, everything else as notebook 10 runs it. */
    private static GptTrainer.Config shortRun() {
        GptTrainer.Config c = KjvGpt.training();
        return new GptTrainer.Config(
                c.batchSize(), 3, c.maxLr(), c.minLr(), 1, c.weightDecay(), c.gradClip(), 3, 1, c.seed());
    }

    @Test
    void aMissingCheckpointIsTrainedAsNotebook10TrainsItAndSavedOnce() throws Exception {
        Path alone = dir.resolve("alone.ckpt");
        Setup.seed(42);
        Checkpoint trainedAlone = KjvGpt.checkpoint(alone, shortRun());
        long written = Files.getLastModifiedTime(alone).toMillis();
        assertEquals(3, trainedAlone.step());
        KjvGpt.checkpoint(alone, shortRun());
        assertEquals(
                written, Files.getLastModifiedTime(alone).toMillis(), "an existing checkpoint is read, not retrained");

        // Notebook 10's cells, in order: data, untrained model, trainer, an evaluation before training, train, save.
        try (NDManager nd = Setup.manager().newSubManager()) {
            Setup.seed(42);
            KjvGpt.Data data = KjvGpt.data();
            Gpt model = KjvGpt.untrained(data.chars().vocabSize(), nd);
            Path notebook;
            try (GptTrainer trainer = new GptTrainer(model, data.train(), data.validation(), shortRun(), nd)) {
                trainer.evaluate(data.validation());
                trainer.train(null);
                notebook = trainer.save(dir.resolve("notebook.ckpt"));
            }
            ParameterList ours = Checkpoint.read(notebook).model(nd).getParameters();
            ParameterList theirs = trainedAlone.model(nd).getParameters();
            assertFalse(ours.isEmpty());
            assertEquals(ours.keys(), theirs.keys());
            for (int i = 0; i < ours.size(); i++) {
                assertArrayEquals(
                        ours.valueAt(i).getArray().toFloatArray(),
                        theirs.valueAt(i).getArray().toFloatArray(),
                        ours.keyAt(i));
            }
        }
    }
}
