package fasttrack.bench;

import fasttrack.generate.Generator;
import fasttrack.generate.Sampling;
import fasttrack.lora.LoraAdapters;
import fasttrack.lora.LoraConfig;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.ProcessMemory;
import fasttrack.runtime.Setup;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Corpus;
import fasttrack.train.GptTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Speed and memory of the course GPT on this machine, printed as a table: training tokens/s for the
 * CPU reference config, generation tokens/s with and without the KV cache, the same for LoRA
 * (adapters unmerged and merged), and resident memory over a long training run. Run with
 * lib/bin/benchmark; not part of the tests (timings are not asserts).
 */
public final class GptBenchmark {

    private record Row(String what, String value, String peer) {}

    public static void main(String[] args) {
        int trainSteps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int memorySteps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Corpus.Split split = Corpus.kjv().split(0.9);
        CharTokenizer chars = CharTokenizer.fit(split.train());
        int[] train = chars.encode(split.train()), validation = chars.encode(split.validation());
        List<Row> rows = new ArrayList<>();
        System.out.println("device " + Setup.device() + ", " + Runtime.getRuntime().availableProcessors() + " cores");

        Setup.seed(1337);
        Gpt model = new Gpt(GptConfig.cpu(chars.vocabSize())).initialize(Setup.manager());
        try (GptTrainer trainer = new GptTrainer(model, train, validation, GptTrainer.Config.defaults(10_000), Setup.manager())) {
            double msPerStep = msPerStep(trainer, trainSteps);
            rows.add(new Row("GPT parameters (4 layers, 4 heads, C 128, context 128)", String.format("%,d", model.parameterCount()), "825,856 (vocab 63)"));
            rows.add(new Row("training ms/step, batch 32 x 128 tokens (mean of " + trainSteps + ")", fmt(msPerStep), "~574"));
            rows.add(new Row("training tokens/s", fmt(32 * 128 / msPerStep * 1000), "~7,100"));
        }
        Generator generator = new Generator(model, Setup.manager());
        int[] prompt = chars.encode("And God said");
        // Rounds alternate without and with the cache, best of three each: the JIT keeps speeding up
        // the per-token Java work for the first few hundred tokens, so a single run measures warm-up.
        double plain = 0, cached = 0;
        for (int round = 0; round < 3; round++) {
            plain = Math.max(plain, tokensPerSecond(generator, prompt, false));
            cached = Math.max(cached, tokensPerSecond(generator, prompt, true));
        }
        rows.add(new Row("generation tokens/s, batch 1, 110 tokens in one context without KV cache (best of 3)", fmt(plain), "125-162"));
        rows.add(new Row("generation tokens/s, batch 1, 110 tokens in one context with KV cache (best of 3)", fmt(cached), "400-440"));

        // LoRA on the same model: r = 4 adapters on the attention projections, everything else frozen.
        LoraAdapters adapters = LoraAdapters.attach(model, LoraConfig.attention(4, 8));
        try (GptTrainer trainer = new GptTrainer(model, train, validation, GptTrainer.Config.defaults(10_000), Setup.manager())) {
            double msPerStep = msPerStep(trainer, trainSteps);
            rows.add(new Row("LoRA r=4 on attention (" + String.format("%,d", adapters.parameterCount()) + " trainable) training ms/step, same batch",
                    fmt(msPerStep), "-"));
        }
        // Unmerged and merged alternate, best of three each, so JIT warm-up favours neither.
        double unmerged = 0, merged = 0;
        for (int round = 0; round < 3; round++) {
            unmerged = Math.max(unmerged, tokensPerSecond(generator, prompt, true));
            adapters.merge();
            merged = Math.max(merged, tokensPerSecond(generator, prompt, true));
            adapters.unmerge();
        }
        rows.add(new Row("LoRA generation tokens/s with KV cache, adapters unmerged / merged (best of 3)", fmt(unmerged) + " / " + fmt(merged), "-"));

        Setup.seed(1);
        Gpt small = new Gpt(new GptConfig(chars.vocabSize(), 64, 2, 4, 64, 0.1f, false)).initialize(Setup.manager());
        try (GptTrainer trainer = new GptTrainer(small, train, validation,
                GptTrainer.Config.defaults(memorySteps).withBatchSize(16).withWarmup(50).withEvaluation(memorySteps, 2).withSeed(1), Setup.manager())) {
            trainer.train(200, null);
            System.gc();   // measure native memory, not Java garbage waiting for collection
            double early = ProcessMemory.residentMiB();
            trainer.train(null);
            System.gc();
            double late = ProcessMemory.residentMiB();
            rows.add(new Row("resident memory after 200 / " + memorySteps + " steps (2 layers, C 64, batch 16 x 64), MiB",
                    fmt(early) + " / " + fmt(late), "-"));
        }

        System.out.printf("%n| %-92s | %14s | %18s |%n", "measurement", "DJL (here)", "PyTorch peer");
        System.out.printf("|%s|%s|%s|%n", "-".repeat(94), "-".repeat(16), "-".repeat(20));
        for (Row row : rows) System.out.printf("| %-92s | %14s | %18s |%n", row.what(), row.value(), row.peer());
        System.exit(0);   // DJL leaves non-daemon threads behind
    }

    /** Mean milliseconds per training step over {@code steps}, after three warm-up steps. */
    private static double msPerStep(GptTrainer trainer, int steps) {
        trainer.train(3, null);
        long start = System.nanoTime();
        trainer.train(steps, null);
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    private static double tokensPerSecond(Generator generator, int[] prompt, boolean cache) {
        long start = System.nanoTime();
        generator.generate(prompt, 110, Sampling.greedy(), cache);
        return 110 / ((System.nanoTime() - start) / 1e9);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
