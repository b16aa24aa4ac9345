package fasttrack.serve;

import ai.djl.ndarray.NDManager;
import fasttrack.nn.Gpt;
import fasttrack.runtime.Course;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Corpus;
import fasttrack.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lib/bin/serve CHECKPOINT [--port N] [--batch N] [--drain SECONDS]}: serves a KJV character
 * GPT's checkpoint (notebook 10 writes {@code data/checkpoints/gpt-kjv.ckpt}) until stopped with Ctrl-C
 * or SIGTERM, which drain it: new requests are refused, those in flight get up to {@code --drain}
 * seconds (10) to finish, then end with an error event. Keys come from FASTTRACK_API_KEYS or
 * FASTTRACK_API_KEY_FILE; logs go to stderr, one JSON line per request.
 */
public final class ServeMain {

    private ServeMain() {}

    public static void main(String[] args) throws Exception {
        try {
            serve(args);
        } catch (IllegalArgumentException e) { // a short key, a file that is not a checkpoint: say what, not where
            usage(e.getMessage());
        }
    }

    private static void serve(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) usage("give the checkpoint to serve");
        Path checkpointPath = Path.of(args[0]);
        int port = 8080, batch = 16, drain = 10;
        for (int i = 1; i < args.length; i++) {
            if (i + 1 >= args.length) usage("option " + args[i] + " needs a value");
            switch (args[i]) {
                case "--port" -> port = parse(args[++i], "--port");
                case "--batch" -> batch = parse(args[++i], "--batch");
                case "--drain" -> drain = parse(args[++i], "--drain");
                default -> usage("unknown option " + args[i]);
            }
        }
        if (!Files.isRegularFile(checkpointPath)) {
            usage("no checkpoint at " + checkpointPath.toAbsolutePath() + "; notebook 10 writes "
                    + Course.checkpoints().resolve("gpt-kjv.ckpt") + ": run it, then give that path");
        }
        ServeConfig config =
                ServeConfig.defaults(ApiKeys.fromEnvironment(System.getenv())).withBatch(batch);
        Checkpoint checkpoint = Checkpoint.read(checkpointPath);
        CharTokenizer chars =
                CharTokenizer.fit(Corpus.kjv().split(0.9).train()); // the tokenizer notebook 10 trained with
        NDManager manager = NDManager.newBaseManager();
        Gpt model = new Gpt(checkpoint.modelConfig()).initialize(manager);
        checkpoint.loadWeights(model);
        CompletionServer server = CompletionServer.start(model, chars, config, port, System.err::println);
        CountDownLatch stopped = new CountDownLatch(1);
        Duration grace = Duration.ofSeconds(Math.max(0, drain));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain(grace);
            manager.close();
            stopped.countDown();
        }));
        System.out.println("serving " + checkpointPath + " as " + server.modelName() + " at " + server.uri()
                + " (chat page there; OpenAI's chat API at " + server.uri() + "v1/chat/completions, completions at "
                + server.uri() + "v1/completions); Ctrl-C or SIGTERM drains and stops it");
        stopped.await();
    }

    private static int parse(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage(option + " needs a whole number, got " + value);
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("lib/bin/serve: " + problem);
        System.err.println(
                "usage: lib/bin/serve CHECKPOINT [--port 8080] [--batch 16] [--drain 10]   (API keys from FASTTRACK_API_KEYS or FASTTRACK_API_KEY_FILE)");
        System.exit(2);
    }
}
