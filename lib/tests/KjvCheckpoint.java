import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Corpus;
import fasttrack.train.GptTrainer;
import java.nio.file.Path;

/**
 * Writes a small KJV character GPT's checkpoint to the given file: the tokenizer notebook 10 trains with, a model
 * far smaller than its, two training steps. What readme_commands.py serves when no learner's checkpoint is there.
 * Run with the helper jar on the class path: java -cp JARS lib/tests/KjvCheckpoint.java FILE
 */
public class KjvCheckpoint {
    public static void main(String[] args) throws Exception {
        Corpus.Split split = Corpus.kjv().split(0.9);
        CharTokenizer chars = CharTokenizer.fit(split.train());
        Setup.seed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt model = new Gpt(new GptConfig(chars.vocabSize(), 64, 1, 2, 32, 0f, false)).initialize(manager);
            GptTrainer trainer = new GptTrainer(model, chars.encode(split.train()), chars.encode(split.validation()),
                    GptTrainer.Config.defaults(2).withBatchSize(4), manager);
            trainer.train(progress -> {});
            System.out.println("wrote " + trainer.save(Path.of(args[0])));
        }
        System.exit(0);   // DJL leaves non-daemon threads behind
    }
}
