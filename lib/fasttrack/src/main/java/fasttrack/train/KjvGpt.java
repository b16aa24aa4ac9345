package fasttrack.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import fasttrack.nn.FeedForward;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Course;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Notebook 10's GPT: the character model of the KJV that later notebooks finetune, evaluate, compress,
 * dissect and serve. Its whole recipe lives here, once (data split, shape, initial weights, training
 * run), so that a notebook opened without notebook 10 having run trains <em>the same model</em> rather
 * than a stand-in whose behaviour the notebook's text does not describe.
 */
public final class KjvGpt {

    /** The file notebook 10 saves, in {@link Course#checkpoints()}. */
    public static final String CHECKPOINT = "gpt-kjv.ckpt";

    /** The engine seed the initial weights are drawn with. */
    public static final int INIT_SEED = 42;

    private KjvGpt() {}

    /** The KJV split 90/10, its characters as tokens, and both parts encoded. */
    public record Data(Corpus.Split split, CharTokenizer chars, int[] train, int[] validation) {}

    public static Data data() {
        Corpus.Split split = Corpus.kjv().split(0.9);
        CharTokenizer chars = CharTokenizer.fit(split.train());
        return new Data(split, chars, chars.encode(split.train()), chars.encode(split.validation()));
    }

    /**
     * The model's shape: {@link GptConfig#cpu} with GPT-2's conventions, the output layer tied to the token
     * embedding and the tanh GELU, so the trained model exports as a GPT-2 checkpoint that other engines run
     * as it is; and no dropout (notebook 10 says why).
     */
    public static GptConfig config(int vocabSize) {
        return GptConfig.cpu(vocabSize)
                .withTiedWeights(true)
                .withActivation(FeedForward.Activation.GELU_TANH)
                .withDropout(0f);
    }

    /** The training run: 600 steps of 32 × 128 characters, warm-up then cosine decay from 2e-3 to 2e-4. */
    public static GptTrainer.Config training() {
        return GptTrainer.Config.defaults(600)
                .withLearningRate(2e-3f, 2e-4f)
                .withWarmup(60)
                .withEvaluation(100, 4);
    }

    /** The model before training: {@link #config} with weights drawn from the engine seeded with {@link #INIT_SEED}. */
    public static Gpt untrained(int vocabSize, NDManager manager) {
        Engine.getInstance().setRandomSeed(INIT_SEED);
        return new Gpt(config(vocabSize)).initialize(manager);
    }

    /** Where notebook 10 saves the trained model. */
    public static Path checkpointPath() {
        return Course.checkpoints().resolve(CHECKPOINT);
    }

    /**
     * The trained model's checkpoint: the one notebook 10 saved, or, when there is none, the same
     * recipe trained here (progress printed as it goes) and saved where notebook 10 would have, so
     * it happens once. Either way the generators are then reseeded with the notebook's last
     * {@link Setup#seed}, so the cells after this one draw the same numbers on both paths.
     */
    public static Checkpoint checkpoint() throws IOException {
        return checkpoint(checkpointPath(), training());
    }

    /** {@link #checkpoint()} at {@code path}, trained with {@code training} when missing (tests run a short one). */
    static Checkpoint checkpoint(Path path, GptTrainer.Config training) throws IOException {
        if (!Files.exists(path)) {
            System.out.println("No checkpoint from notebook 10 at " + path + ": training notebook 10's recipe here ("
                    + training.totalSteps() + " steps), once; later notebooks will read it.");
            Data data = data();
            try (NDManager scope = Setup.manager().newSubManager();
                    GptTrainer trainer = new GptTrainer(
                            untrained(data.chars().vocabSize(), scope),
                            data.train(),
                            data.validation(),
                            training,
                            scope)) {
                trainer.train(System.out::println);
                trainer.save(path);
            }
        }
        Long seed = Setup.seedOrNull();
        if (seed != null) Setup.seed(seed);
        return Checkpoint.read(path);
    }
}
